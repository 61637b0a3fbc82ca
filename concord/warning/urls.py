"""Early-warning pages (mounted at /staff/alerts/)."""

from django.urls import path

from . import population_views, views

app_name = "warning"
urlpatterns = [
    path("", views.alert_list, name="alerts"),
    path("<int:alert_id>/", views.alert_detail, name="alert"),
    path("<int:alert_id>/<slug:step>/", views.alert_step, name="alert_step"),
    path("rules/", views.rule_list, name="rules"),
    path("rules/new/", views.rule_new, name="rule_new"),
    path("rules/<int:rule_id>/", views.rule_detail, name="rule"),
    path("attention/", views.attention, name="attention"),
    path("populations/", population_views.populations, name="populations"),
]
