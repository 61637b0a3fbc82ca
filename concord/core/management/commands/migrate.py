"""`migrate`, which first prepares the data directory and its secret key file (core.datadir)."""

from django.core.management.commands.migrate import Command as DjangoMigrate

from concord.core.datadir import PreparesDataDir


class Command(PreparesDataDir, DjangoMigrate):
    pass
