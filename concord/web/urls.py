"""URLs of the web app (mounted by concord/urls.py)."""

app_name = "web"
urlpatterns: list = []
