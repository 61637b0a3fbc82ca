"""URLs of resident accounts (mounted at / by concord/urls.py)."""

from django.urls import path

from . import views

app_name = "residents"
urlpatterns = [
    path("accounts/resident/", views.sign_in, name="signin"),
    path("accounts/resident/new/", views.sign_up, name="signup"),
    path("me/", views.matters, name="matters"),
    path("me/account/", views.account, name="account"),
    path("me/export.json", views.export, name="export"),
    path("me/delete/", views.delete, name="delete"),
]
