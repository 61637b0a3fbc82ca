"""URLs of the safety app (mounted by concord/urls.py)."""

from django.urls import path

from . import views

app_name = "safety"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("warnings/<int:warning_id>/checklist/", views.warning_checklist, name="checklist"),
    path("warnings/<int:warning_id>/count.json", views.warning_count, name="count"),
    path("checks/<int:check_id>/", views.check_mark, name="check"),
    path("incidents/", views.incident_list, name="incidents"),
    path("incidents/<int:incident_id>/", views.incident_detail, name="incident"),
    path("hazards/", views.hazard_list, name="hazards"),
    path("hazards/<int:case_id>/", views.hazard_detail, name="hazard"),
    path("policies/", views.policy_list, name="policies"),
    path("policies/<int:notice_id>/", views.policy_detail, name="policy"),
]
