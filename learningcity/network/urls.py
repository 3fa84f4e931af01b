"""The network's pages, mounted at ``/network/`` by the project's URL map (before
core's ``/<city-slug>/`` patterns): the directory, clusters, good practices, the
membership lifecycle (``membership/``), peer learning (threads, peers, exchanges),
partners, trainings and certificates of attendance.
``/network/`` itself is core's network page and ``/network/monitoring/`` is monitoring's;
nothing here uses those paths."""

from django.urls import path

from . import views_directory as directory
from . import views_membership as membership
from . import views_partners as partners
from . import views_peer as peer
from . import views_practices as practices

app_name = "network"

urlpatterns = [
    path("cities/", directory.directory, name="directory"),
    path("cities/export.csv", directory.export, {"fmt": "csv"}, name="directory_csv"),
    path("cities/export.xlsx", directory.export, {"fmt": "xlsx"}, name="directory_xlsx"),
    path("cities/import/", directory.import_directory, name="directory_import"),
    path("cities/<slug:city_slug>/", directory.profile, name="profile"),
    path("cities/<slug:city_slug>/edit/", directory.profile_edit, name="profile_edit"),
    path("cities/<slug:city_slug>/status/", directory.status_change, name="status_change"),
    path("cities/<slug:city_slug>/practices/", practices.city_practices, name="city_practices"),
    path(
        "cities/<slug:city_slug>/membership/",
        membership.city_membership,
        name="city_membership",
    ),
    path("cities/<slug:city_slug>/reports/<int:pk>/", membership.report, name="report"),
    path("clusters/", directory.clusters, name="clusters"),
    path("clusters/<slug:slug>/", directory.cluster, name="cluster"),
    # Peer learning and policy dialogue (views_peer).
    path("clusters/<slug:slug>/threads/", peer.cluster_threads, name="cluster_threads"),
    path("clusters/<slug:slug>/follow/", peer.cluster_subscription, name="cluster_subscription"),
    path("threads/<int:pk>/", peer.thread, name="thread"),
    path("posts/<int:pk>/report/", peer.post_report, name="post_report"),
    path("posts/<int:pk>/moderate/", peer.post_moderate, name="post_moderate"),
    path("cities/<slug:city_slug>/peers/", peer.peers, name="peers"),
    path("cities/<slug:city_slug>/exchanges/new/", peer.exchange_new, name="exchange_new"),
    path("exchanges/<uuid:public_id>/", peer.exchange, name="exchange"),
    # The membership lifecycle (views_membership).
    path("membership/", membership.membership, name="membership"),
    path("membership/calls/new/", membership.call_form, name="call_new"),
    path("membership/calls/<int:pk>/", membership.call, name="call"),
    path("membership/calls/<int:pk>/edit/", membership.call_form, name="call_edit"),
    path("membership/calls/<int:pk>/apply/<slug:city_slug>/", membership.apply, name="apply"),
    path("membership/commission/", membership.commission_queue, name="commission_queue"),
    path("membership/commissions/", membership.commissions, name="commissions"),
    path("membership/jury/", membership.juror_queue, name="juror_queue"),
    path(
        "membership/applications/<uuid:public_id>/",
        membership.application,
        name="application",
    ),
    path(
        "membership/applications/<uuid:public_id>/endorsement.pdf",
        membership.endorsement_file,
        name="endorsement_file",
    ),
    path(
        "membership/applications/<uuid:public_id>/endorse/",
        membership.application_endorse,
        name="application_endorse",
    ),
    path(
        "membership/applications/<uuid:public_id>/jurors/",
        membership.application_jurors,
        name="application_jurors",
    ),
    path(
        "membership/applications/<uuid:public_id>/score/",
        membership.application_score,
        name="application_score",
    ),
    path(
        "membership/applications/<uuid:public_id>/decide/",
        membership.application_decide,
        name="application_decide",
    ),
    # Partnerships and capacity development (views_partners).
    path("partners/", partners.partners, name="partners"),
    path("partners/new/", partners.partner_form, name="partner_new"),
    path("partners/<slug:slug>/", partners.partner, name="partner"),
    path("partners/<slug:slug>/edit/", partners.partner_form, name="partner_edit"),
    path(
        "partners/<slug:slug>/partnerships/new/",
        partners.partnership_form,
        name="partnership_new",
    ),
    path("partnerships/<int:pk>/edit/", partners.partnership_form, name="partnership_edit"),
    path("partnerships/<int:pk>/delete/", partners.partnership_delete, name="partnership_delete"),
    path("trainings/", partners.trainings, name="trainings"),
    path("trainings/certificates/", partners.my_certificates, name="my_certificates"),
    path(
        "trainings/certificates/<uuid:enrolment_id>.pdf",
        partners.certificate_download,
        name="certificate_download",
    ),
    path("certificates/verify/", partners.certificate_check, name="certificate_check"),
    path(
        "certificates/verify/<str:code>/",
        partners.certificate_verify,
        name="certificate_verify",
    ),
    path("practices/", practices.library, name="library"),
    path("practices/export.csv", practices.export, name="library_csv"),
    path("practices/new/", practices.practice_new, name="practice_new"),
    path("practices/review/", practices.review_queue, name="review_queue"),
    path("practices/<int:pk>/", practices.practice, name="practice"),
    path("practices/<int:pk>/edit/", practices.practice_edit, name="practice_edit"),
    path("practices/<int:pk>/translate/", practices.practice_translate, name="practice_translate"),
    path("practices/<int:pk>/submit/", practices.practice_submit, name="practice_submit"),
    path("practices/<int:pk>/review/", practices.practice_review, name="practice_review"),
    path("practices/<int:pk>/withdraw/", practices.practice_withdraw, name="practice_withdraw"),
    path("practices/<int:pk>/revisions/", practices.revisions, name="practice_revisions"),
    path("practices/<int:pk>/images/", practices.images, name="practice_images"),
    path(
        "practices/<int:pk>/images/<int:image_id>.jpg",
        practices.image_file,
        name="practice_image",
    ),
]
