from django.urls import path

from . import views, views_pathways

app_name = "credentials"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("c/<uuid:public_id>.pdf", views.credential_pdf, name="credential_pdf"),
    path("c/<uuid:public_id>/revoke/", views.revoke, name="revoke"),
    path("record.json", views.record_json, name="record_json"),
    path("record.pdf", views.record_pdf, name="record_pdf"),
    path("badges/", views.achievements, name="achievements"),
    path("badges/rotate-key/", views.rotate_key, name="rotate_key"),
    path("badges/<uuid:public_id>/", views.achievement, name="achievement"),
    path("badges/<uuid:public_id>/issue/", views.issue, name="issue"),
    path("badges/<uuid:public_id>/issue-all/", views.issue_all, name="issue_all"),
    path("badges/<uuid:public_id>/result/", views.record_result, name="record_result"),
    path("batches/<uuid:public_id>/", views.batch, name="batch"),
    path("qualifications/", views_pathways.qualifications, name="qualifications"),
    path("qualifications/export.csv", views_pathways.export_csv, name="qualifications_export"),
    path("qualifications/import/", views_pathways.import_csv, name="qualifications_import"),
    path("qualifications/new/", views_pathways.edit_qualification, name="qualification_new"),
    path("qualifications/<uuid:public_id>/", views_pathways.qualification, name="qualification"),
    path(
        "qualifications/<uuid:public_id>/edit/",
        views_pathways.edit_qualification,
        name="qualification_edit",
    ),
    path("find/", views_pathways.find_my_way, name="find"),
    path("recognition/", views_pathways.recognition_view, name="recognition"),
    path("recognition/<uuid:public_id>/", views_pathways.application, name="application"),
    path(
        "recognition/<uuid:public_id>/evidence/<int:pk>",
        views_pathways.evidence_file,
        name="evidence",
    ),
]
