"""``concord wellbeing tick|train-crisis|export-phrases``: the referral clock job, the crisis
model, and writing approved example phrases into the training corpus file."""

import csv
import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from concord.triage.algorithms import crisis, crisis_training
from concord.wellbeing.actions import phrases_mark_exported, wellbeing_tick
from concord.wellbeing.models import ExamplePhrase, PhraseState


class Command(BaseCommand):
    help = "Referral clocks, and training the crisis detector's learned layer."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("tick", help="Run one pass of the referral clock job.")
        p = sub.add_parser(
            "train-crisis",
            help="Train the crisis model on the repository's training corpus "
            "(never the held-out files) and write its artefact.",
        )
        p.add_argument("--output", default=str(crisis.MODEL_PATH), help="Where to write it.")
        e = sub.add_parser(
            "export-phrases",
            help="Append the example phrases a team lead approved to the training corpus file "
            "(nothing is committed: review the file, commit it, then run train-crisis).",
        )
        e.add_argument(
            "--output",
            default=str(crisis_training.CORPUS_DIR / "train_reviewed.csv"),
            help="CSV to extend.",
        )

    def handle(self, *args, **options):
        if options["action"] == "train-crisis":
            model, figures = crisis_training.train(progress=sys.stderr.isatty())
            output = Path(options["output"])
            model.save(output)
            thresholds, vetoes = figures["thresholds"], figures["vetoes"]
            self.stdout.write(
                f"trained on {figures['texts']} texts; thresholds zh {thresholds['zh']:.3f}, "
                f"en {thresholds['en']:.3f}; rule vetoes zh {vetoes['zh']:.2f}, "
                f"en {vetoes['en']:.2f}; written to {output}\n"
                "out of source (each source scored by a model trained on the other folds), "
                "rules or model:"
            )
            rows = [*figures["sources"].items(), ("hand-written, pooled", figures["hand_written"])]
            for source, rates in rows:
                union = rates.get("union", rates)
                self.stdout.write(
                    f"  {source}: recall imminent {union['imminent']:.3f}, "
                    f"plan {union['plan']:.3f}, ideation {union['ideation']:.3f}; "
                    f"false alarms {union['false_alarms']:.3f}"
                )
            return
        if options["action"] == "export-phrases":
            self.export_phrases(Path(options["output"]))
            return
        report = wellbeing_tick()
        self.stdout.write(
            f"contact overdue: {report.contact_overdue}, "
            f"follow-ups missed: {report.follow_ups_missed}"
        )

    def export_phrases(self, output: Path) -> None:

        phrases = list(
            ExamplePhrase.objects.filter(
                state=PhraseState.APPROVED, exported_at__isnull=True
            ).order_by("reviewed_at", "id")
        )
        new_file = not output.exists()
        with open(output, "a", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=["text", "lang", "kind", "level", "group"])
            if new_file:
                writer.writeheader()
            for p in phrases:
                writer.writerow(
                    {
                        "text": p.text,
                        "lang": p.language,
                        "kind": "reviewed_phrase",
                        "level": p.level,
                        "group": f"phrase{p.pk}",
                    }
                )
        phrases_mark_exported(phrases=phrases)
        self.stdout.write(
            f"{len(phrases)} approved phrases appended to {output.name}; review and commit the "
            "file, then run `concord wellbeing train-crisis`."
        )
