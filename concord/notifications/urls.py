"""The inbox page (mounted by concord/urls.py)."""

from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:notification_id>/read/", views.read, name="read"),
    path("preferences/", views.preferences, name="preferences"),
    path("follow/", views.follow, name="follow"),
    path(
        "failed/<int:delivery_id>/<slug:step>/",
        views.failed_step,
        name="failed_step",
    ),
]
