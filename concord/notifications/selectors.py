from .models import Notification


def inbox_for(user):
    return Notification.objects.filter(recipient=user).order_by("-created_at")
