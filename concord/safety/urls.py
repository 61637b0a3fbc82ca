"""URLs of the safety app (mounted by concord/urls.py)."""

app_name = "safety"
urlpatterns: list = []
