"""URLs of the participation app (mounted by concord/urls.py)."""

from django.urls import path

from . import staff_views, views

app_name = "participation"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("suggestions/", views.suggestions, name="suggestions"),
    path("polls/", views.polls, name="polls"),
    path("polls/<int:pk>/", views.poll_detail, name="poll"),
    path("polls/<int:pk>/results/", views.poll_results, name="poll_results"),
    path("conventions/", views.conventions, name="conventions"),
    path("conventions/<int:pk>/", views.convention_detail, name="convention"),
    path("volunteers/", views.volunteers, name="volunteers"),
    path("volunteers/teams/<int:pk>/", views.team_applications, name="team"),
    path("staff/", staff_views.staff_home, name="staff"),
]
