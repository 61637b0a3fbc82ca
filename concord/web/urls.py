"""URLs of the web app (mounted at / by concord/urls.py)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from concord.accounts.views import SignInView

from .views import dashboard, documents, resident, staff

app_name = "web"
urlpatterns = [
    path("", resident.home, name="home"),
    path("file/", resident.file_case, name="file"),
    path("file/assist/", resident.suggest, name="assist"),
    path("receipt/", resident.receipt, name="receipt"),
    path("track/", resident.track_lookup, name="track_lookup"),
    path("track/<str:code>/<str:token>/", resident.track, name="track"),
    path("places.geojson", resident.places_geojson, name="places_geojson"),
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(next_page="/"), name="logout"),
    path("staff/", staff.queue, name="queue"),
    path("staff/map/", staff.case_map, name="map"),
    path("staff/inbox/", staff.inbox, name="inbox"),
    path("staff/dashboard/", dashboard.dashboard, name="dashboard"),
    path("staff/cases/<int:case_id>/", staff.case_detail, name="case"),
    path("staff/cases/<int:case_id>/receipt/", documents.receipt, name="doc_receipt"),
    path("staff/cases/<int:case_id>/answer/", documents.answer, name="doc_answer"),
    path("staff/cases/<int:case_id>/agreement.pdf", documents.agreement, name="doc_agreement"),
    path("staff/cases/<int:case_id>/<slug:action>/", staff.case_action, name="case_action"),
]
