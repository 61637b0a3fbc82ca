"""URLs of the safety app (mounted at the root by concord/urls.py).

Public, without signing in: warnings and policy notices with their answers, under /safety/.
Staff: the safety dashboard, checklists, incidents and hazards, under /staff/safety/.
"""

from django.urls import path

from . import staff_pages, views

app_name = "safety"
urlpatterns = [
    # public
    path("safety/", views.public_index, name="public"),
    path("safety/warnings/<int:warning_id>/", views.warning_detail, name="warning"),
    path("safety/follow/", views.follow_place, name="follow"),
    path("safety/policies/", views.policy_list, name="policies"),
    path("safety/policies/<int:notice_id>/", views.policy_detail, name="policy"),
    # staff
    path("staff/safety/", views.dashboard, name="dashboard"),
    path(
        "staff/safety/warnings/<int:warning_id>/checklist/",
        views.warning_checklist,
        name="checklist",
    ),
    path("staff/safety/warnings/<int:warning_id>/count.json", views.warning_count, name="count"),
    path("staff/safety/warnings/<int:warning_id>/lift/", views.warning_lift, name="lift"),
    path("staff/safety/checks/<int:check_id>/", views.check_mark, name="check"),
    path("staff/safety/incidents/", views.incident_list, name="incidents"),
    path("staff/safety/incidents/<int:incident_id>/", views.incident_detail, name="incident"),
    path("staff/safety/hazards/", views.hazard_list, name="hazards"),
    path("staff/safety/hazards/new/", staff_pages.hazard_new, name="hazard_new"),
    path("staff/safety/hazards/<int:case_id>/", views.hazard_detail, name="hazard"),
    path("staff/safety/households/", views.households, name="households"),
    path("staff/safety/warnings/new/", staff_pages.warning_new, name="warning_new"),
    path("staff/safety/policies/new/", staff_pages.policy_new, name="policy_new"),
    path("staff/safety/sites/", staff_pages.sites, name="sites"),
]
