"""Inclusion programmes URLs, mounted at ``/<city-slug>/programmes/``."""

from django.urls import path

from . import views, views_more

app_name = "programmes"

urlpatterns = [
    path("", views.overview, name="overview"),
    # befriending
    path("befriending/refer/", views.refer, name="refer"),
    path("befriending/volunteer/", views.volunteer_form, name="volunteer_form"),
    path("befriending/mine/", views.mine, name="mine"),
    path("befriending/mine/withdraw/", views.withdraw, name="withdraw"),
    path("befriending/pairs/<uuid:pair_id>/", views.pair_page, name="pair"),
    path("befriending/pairs/<uuid:pair_id>/plan/", views.pair_plan, name="pair_plan"),
    path("befriending/pairs/<uuid:pair_id>/join/", views.pair_join, name="pair_join"),
    path("befriending/pairs/<uuid:pair_id>/visits/", views.pair_visit, name="pair_visit"),
    path("befriending/pairs/<uuid:pair_id>/concern/", views.pair_concern, name="pair_concern"),
    path("desk/", views.desk, name="desk"),
    path("desk/match/", views.run_match, name="run_match"),
    path("desk/pairs/<uuid:pair_id>/accept/", views.accept, name="accept"),
    path("desk/pairs/<uuid:pair_id>/decline/", views.decline, name="decline"),
    path("desk/pairs/<uuid:pair_id>/end/", views.end, name="end"),
    path("desk/residents/<uuid:resident_id>/", views.resident_record, name="resident"),
    path("desk/volunteers/<uuid:volunteer_id>/", views.volunteer_record, name="volunteer"),
    path("desk/concerns/<int:concern_id>/", views.resolve, name="resolve"),
    # intergenerational learning
    path("together/", views_more.together, name="together"),
    path("together/match/", views_more.together_match, name="together_match"),
    path("together/<uuid:pair_id>/", views_more.together_pair, name="together_pair"),
    path("together/<uuid:pair_id>/accept/", views_more.together_accept, name="together_accept"),
    # career guidance
    path("guidance/", views_more.guidance_page, name="guidance"),
    path("guidance/mine/", views_more.counsellor_page, name="counsellor"),
    path("guidance/counsellors/add/", views_more.counsellor_add, name="counsellor_add"),
    path("guidance/<uuid:slot_id>/book/", views_more.book, name="book"),
    path("guidance/<uuid:slot_id>/cancel/", views_more.cancel, name="cancel"),
    path("guidance/<uuid:slot_id>/note/", views_more.slot_note, name="note"),
    # mentoring
    path("mentoring/", views_more.mentoring_page, name="mentoring"),
    path("mentoring/apply/", views_more.mentoring_apply, name="mentoring_apply"),
    path("mentoring/desk/", views_more.mentoring_desk, name="mentoring_desk"),
    path("mentoring/desk/match/", views_more.mentoring_match, name="mentoring_match"),
    path("mentoring/<uuid:mentorship_id>/", views_more.mentorship_page, name="mentorship"),
    path(
        "mentoring/<uuid:mentorship_id>/accept/",
        views_more.mentoring_accept,
        name="mentoring_accept",
    ),
]
