import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from concord.core.errors import ConcordError
from concord.places.actions import (
    place_population_set,
    places_export_geojson,
    places_import_geojson,
)
from concord.places.models import Place


class Command(BaseCommand):
    help = "Import or export the place tree as GeoJSON."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="Import places from a GeoJSON FeatureCollection.")
        imp.add_argument("file")
        exp = sub.add_parser("export", help="Export places to a GeoJSON FeatureCollection.")
        exp.add_argument("file")
        pop = sub.add_parser(
            "population", help="Record a place's population in a calendar year (audited)."
        )
        pop.add_argument("code", help="place code")
        pop.add_argument("year", type=int)
        pop.add_argument("population", type=int)

    def handle(self, *args, **options):
        if options["action"] == "population":
            place = Place.objects.filter(code=options["code"]).first()
            if place is None:
                raise CommandError(f"No place with code {options['code']}")
            try:
                place_population_set(
                    actor=None,
                    place=place,
                    year=options["year"],
                    population=options["population"],
                )
            except ConcordError as exc:
                raise CommandError(exc.message) from exc
            self.stdout.write(
                f"{place.code}: population {options['population']} in {options['year']}."
            )
            return
        path = Path(options["file"])
        if options["action"] == "import":
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                count = places_import_geojson(data)
            except FileNotFoundError as exc:
                raise CommandError(f"No such file: {path}") from exc
            except json.JSONDecodeError as exc:
                raise CommandError(f"{path} is not valid JSON: {exc}") from exc
            except ConcordError as exc:
                raise CommandError(exc.message) from exc
            self.stdout.write(f"Imported {count} places.")
        else:
            data = places_export_geojson(Place.objects.all())
            path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            self.stdout.write(f"Exported {len(data['features'])} places.")
