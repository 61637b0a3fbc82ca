from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic.base import RedirectView

from concord.accounts import views as accounts_views
from concord.api import api
from concord.core import views as core_views

urlpatterns = [
    path("api/v1/", api.urls),
    # Unknown API paths answer in the API's error shape, not with an HTML page.
    re_path(r"^api/v1/", core_views.api_not_found),
    path("admin/", admin.site.urls),
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", RedirectView.as_view(url="/static/web/favicon.svg", permanent=True)),
    path("accounts/2fa/", accounts_views.second_factor, name="second_factor"),
    path("accounts/2fa/qr.svg", accounts_views.second_factor_qr, name="second_factor_qr"),
    path("accounts/2fa/enrol/", accounts_views.second_factor_enrol, name="second_factor_enrol"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("open311/", include("concord.open311.urls")),
    path("wellbeing/", include("concord.wellbeing.urls")),
    path("participation/", include("concord.participation.urls")),
    path("assessments/", include("concord.assessments.urls")),
    path("", include("concord.safety.urls")),
    path("staff/alerts/", include("concord.warning.urls")),
    path("notifications/", include("concord.notifications.urls")),
    path("", include("concord.residents.urls")),
    path("", include("concord.web.urls")),
]

# Error pages in the visitor's language with the site's header; JSON on API paths.
handler400 = "concord.web.views.errors.bad_request"
handler403 = "concord.web.views.errors.permission_denied"
handler404 = "concord.web.views.errors.page_not_found"
handler500 = "concord.web.views.errors.server_error"
