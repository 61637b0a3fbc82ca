"""URLs of the participation app (mounted by concord/urls.py)."""

from django.urls import path

from . import views

app_name = "participation"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("suggestions/", views.suggestions, name="suggestions"),
]
