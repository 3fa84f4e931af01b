"""Who may do what with qualifications, badges, credentials and recognition."""

from django.db.models import QuerySet

from learningcity.catalogue.models import Provider
from learningcity.catalogue.permissions import can_manage_provider, managed_providers
from learningcity.core.models import City
from learningcity.core.permissions import AnyUser, can_manage_city
from learningcity.programmes.permissions import is_career_counsellor

from .models import Achievement, IssuedCredential, Qualification, RecognitionApplication


def issuing_providers(user: AnyUser, city: City) -> "QuerySet[Provider]":
    return managed_providers(user, city)


def can_issue(user: AnyUser, city: City) -> bool:
    return user.is_authenticated and issuing_providers(user, city).exists()


def can_manage_achievement(user: AnyUser, achievement: Achievement) -> bool:
    return can_manage_provider(user, achievement.provider)


def can_see_credential(user: AnyUser, credential: IssuedCredential) -> bool:
    """The holder, and the staff of the provider that issued it."""
    if not user.is_authenticated:
        return False
    return credential.holder_id == user.pk or can_manage_achievement(user, credential.achievement)


def can_manage_qualifications(user: AnyUser, city: City) -> bool:
    return user.is_authenticated and (can_manage_city(user, city) or can_issue(user, city))


def can_edit_qualification(user: AnyUser, qualification: Qualification) -> bool:
    if can_manage_city(user, qualification.city):
        return True
    return qualification.provider is not None and can_manage_provider(user, qualification.provider)


def can_assess(user: AnyUser, application: RecognitionApplication) -> bool:
    """Assessors: the city's coordinators and the staff of the qualification's
    provider; never the applicant, whatever else they are."""
    if not user.is_authenticated or application.applicant_id == user.pk:
        return False
    return can_edit_qualification(user, application.qualification)


def can_see_application(user: AnyUser, application: RecognitionApplication) -> bool:
    return user.is_authenticated and (
        application.applicant_id == user.pk or can_assess(user, application)
    )


def can_counsel(user: AnyUser, city: City) -> bool:
    """Career guidance: the city's career counsellors (the programmes app's), its
    coordinators and provider staff save plans with a person."""
    return is_career_counsellor(user, city) or can_manage_qualifications(user, city)
