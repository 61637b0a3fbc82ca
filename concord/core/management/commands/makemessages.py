"""makemessages that also collects the messages given to `core.bilingual.each`.

A notification's text is written as `each("English %(name)s", name=…)` and rendered in every
language at send time; without this keyword `makemessages --no-obsolete` would not find those
msgids and would drop their translations from the catalogues.
"""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=each"]
