"""URLs of the open311 app (mounted by concord/urls.py)."""

app_name = "open311"
urlpatterns: list = []
