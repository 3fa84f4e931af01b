"""A resident's question to the provider of an opportunity, sent by e-mail to the
provider's contact address with Reply-To set to the person asking, so the answer
goes straight back to them (the platform keeps no copy of the conversation)."""

import logging
from email.utils import formataddr

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from learningcity.core.audit import record_event
from learningcity.core.http import absolute_url

from .calendars import opportunity_url
from .models import Opportunity

logger = logging.getLogger(__name__)


class QuestionNotSent(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def ask_provider(*, opportunity: Opportunity, name: str, email: str, question: str) -> None:
    provider = opportunity.provider
    if not provider.email:
        raise QuestionNotSent(
            _("This provider has not given a contact address. Try their website instead.")
        )
    # The provider's own language is unknown: the e-mail uses the site's language,
    # with the question as written.
    with translation.override(None):
        context = {
            "opportunity": opportunity,
            "provider": provider,
            "name": name,
            "email": email,
            "question": question,
            "page_url": opportunity_url(opportunity),
            "site_url": absolute_url("/"),
        }
        subject = render_to_string("catalogue/emails/question_subject.txt", context)
        body = render_to_string("catalogue/emails/question.txt", context)
    message = EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        to=[provider.email],
        reply_to=[formataddr((name, email))],
    )
    try:
        message.send()
    except Exception as error:
        logger.exception("could not send a question about %s", opportunity.pk)
        raise QuestionNotSent(
            _("We could not send your question just now. Please try again later.")
        ) from error
    record_event(None, "question.sent", city=opportunity.city, target=opportunity.slug)
