from django.urls import path

from . import views_award as award
from . import views_conference as conf

app_name = "events"
urlpatterns = [
    # The Learning City Award
    path("award/", award.award_home, name="award"),
    path("award/winners/", award.archive, name="archive"),
    path("award/new/", award.cycle_form, name="cycle_new"),
    path("award/commission/", award.commission_queue, name="commission_queue"),
    path("award/jury/", award.juror_queue, name="juror_queue"),
    path("award/<int:pk>/", award.cycle, name="cycle"),
    path("award/<int:pk>/edit/", award.cycle_form, name="cycle_edit"),
    path("award/<int:pk>/advance/", award.advance, name="advance"),
    path("award/<int:pk>/publish/", award.publish, name="publish"),
    path("award/<int:pk>/jurors/", award.jury, name="jury"),
    path("award/<int:pk>/ranking/", award.ranking, name="ranking"),
    path("award/<int:pk>/apply/<slug:city_slug>/", award.apply, name="apply"),
    path("award/dossiers/<uuid:public_id>/", award.dossier, name="dossier"),
    path("award/dossiers/<uuid:public_id>/nominate/", award.nominate, name="nominate"),
    path(
        "award/dossiers/<uuid:public_id>/<str:field>.pdf", award.dossier_file, name="dossier_file"
    ),
    path("award/dossiers/<uuid:public_id>/assign/", award.assign, name="assign"),
    path("award/dossiers/<uuid:public_id>/score/", award.score, name="score"),
    # Conferences
    path("", conf.conferences, name="conferences"),
    path("<slug:slug>/", conf.conference, name="conference"),
    path("<slug:slug>/register/", conf.register, name="register"),
    path("<slug:slug>/me/", conf.my_registration, name="my_registration"),
    path("<slug:slug>/me/agenda.ics", conf.agenda_ics, name="agenda_ics"),
    path("<slug:slug>/me/<str:kind>.pdf", conf.letter, name="letter"),
    path("<slug:slug>/badges/", conf.badges, name="badges"),
    path("<slug:slug>/badges.pdf", conf.badges_file, name="badges_file"),
    path("<slug:slug>/check-in/", conf.check_in, name="check_in"),
    path("<slug:slug>/check-in/<str:code>/", conf.check_in_code, name="check_in_code"),
    path(
        "<slug:slug>/check-in/person/<uuid:public_id>/",
        conf.check_in_person,
        name="check_in_person",
    ),
    path("<slug:slug>/programme/", conf.programme, name="programme"),
    path("<slug:slug>/programme/new/", conf.programme_add, name="programme_add"),
    path("<slug:slug>/visits/new/", conf.visit_add, name="visit_add"),
    path("<slug:slug>/programme/<int:pk>/agenda/", conf.agenda_toggle, name="agenda_toggle"),
    path("<slug:slug>/visits/", conf.visits, name="visits"),
    path("<slug:slug>/visits/<int:pk>/book/", conf.book, name="book"),
    path("<slug:slug>/manifesto/", conf.manifesto, name="manifesto"),
    path("<slug:slug>/manifesto/compare/", conf.compare, name="compare"),
    path("<slug:slug>/manifesto/adopt/", conf.adopt, name="adopt"),
    path("<slug:slug>/manifesto/sign/", conf.sign, name="sign"),
    path("<slug:slug>/manifesto/translations/<str:language>/", conf.translate, name="translate"),
    path("<slug:slug>/manifesto/<int:pk>/propose/", conf.propose, name="propose"),
    path("<slug:slug>/manifesto/amendments/<int:pk>/", conf.decide, name="decide"),
    path("<slug:slug>/report/", conf.report, name="report"),
    path("<slug:slug>/report.csv", conf.report_csv, name="report_csv"),
]
