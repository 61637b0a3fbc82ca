from django.contrib import admin
from django.urls import include, path

from concord.api import api
from concord.core import views as core_views

urlpatterns = [
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
]
