"""URLs of the participation app (mounted by concord/urls.py)."""

app_name = "participation"
urlpatterns: list = []
