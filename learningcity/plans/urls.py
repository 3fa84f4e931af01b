"""Plan URLs, mounted at ``/<city-slug>/plan/``."""

from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "plans"

urlpatterns = [
    path("", views.public, name="public"),
    path("actions/<int:action_id>/", views.action_detail, name="action"),
    path("actions/<int:action_id>/update/", views.action_update, name="action_update"),
    path("evidence/<int:update_id>/", views.evidence, name="evidence"),
    path("report/", views.report, name="report"),
    path("report/pdf/", views.report_pdf, name="report_pdf"),
    path("report/pdf/<int:job_id>/", views.report_pdf_file, name="report_pdf_file"),
    # The PDF used to be made inside the request at this address.
    path("report.pdf", RedirectView.as_view(pattern_name="plans:report_pdf")),
    path("actions.csv", views.export, {"what": "actions", "fmt": "csv"}, name="actions_csv"),
    path("targets.csv", views.export, {"what": "targets", "fmt": "csv"}, name="targets_csv"),
    path("plan.xlsx", views.export, {"what": "all", "fmt": "xlsx"}, name="xlsx"),
    path("versions/", views.version_list, name="versions"),
    path("versions/compare/", views.compare, name="compare"),
    path("mine/", views.my_actions, name="my_actions"),
    path("desk/", views.desk, name="desk"),
    path("desk/plan/", views.plan_edit, name="plan_edit"),
    path("desk/goals/add/", views.goal_edit, name="goal_add"),
    path("desk/goals/<int:goal_id>/", views.goal_edit, name="goal_edit"),
    path("desk/goals/<int:goal_id>/targets/add/", views.target_edit, name="target_add"),
    path("desk/targets/<int:target_id>/", views.target_edit, name="target_edit"),
    path("desk/actions/add/", views.action_edit, name="action_add"),
    path("desk/actions/<int:action_id>/", views.action_edit, name="action_edit"),
    path("desk/<str:kind>/<int:pk>/delete/", views.delete, name="delete"),
    path("desk/publish/", views.publish, name="publish"),
]
