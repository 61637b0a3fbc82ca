"""URLs of the wellbeing app (mounted by concord/urls.py)."""

from django.urls import path

from . import case_views, grant_views, phrase_views, views

app_name = "wellbeing"
urlpatterns = [
    path("hotline/", views.hotline, name="hotline"),
    path("cases/<int:case_id>/crisis/", views.crisis, name="crisis"),
    path("cases/<int:case_id>/mark-signal/", case_views.case_mark_signal, name="case_mark_signal"),
    path("queue/", views.queue, name="queue"),
    path("referrals/<int:referral_id>/", views.referral, name="referral"),
    path("referrals/<int:referral_id>/<slug:step>/", views.referral_step, name="referral_step"),
    path("exports/", views.exports, name="exports"),
    path("exports/<int:export_id>/download/", views.export_download, name="export_download"),
    path("network/", views.network, name="network"),
    path("network/<str:code>/", views.team, name="team"),
    path("network/<str:code>/phrases/", phrase_views.phrases, name="phrases"),
    path("grants/", grant_views.grant_list, name="grants"),
    path("network/<str:code>/grants/", grant_views.team_grants, name="team_grants"),
]
