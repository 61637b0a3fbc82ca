"""The `concord` console script: Django's manage.py for an installed Concord."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Run a management command, defaulting the settings module to Concord's."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "concord.settings")
    # Everything Concord writes (database, media, backups, outbox, keys) is owner-only.
    os.umask(0o077)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["concord", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
