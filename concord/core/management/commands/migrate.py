"""`migrate`, which first prepares the data directory and its secret key file (core.datadir)."""

from django.core.management.commands.migrate import Command as DjangoMigrate

from concord.core.datadir import prepare_data_dir


class Command(DjangoMigrate):
    def handle(self, *args, **options):
        prepare_data_dir()
        return super().handle(*args, **options)
