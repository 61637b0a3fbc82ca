import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "concord.settings")
# As under the `concord` command: the files the server writes (media, outbox) are owner-only.
os.umask(0o077)
application = get_wsgi_application()
