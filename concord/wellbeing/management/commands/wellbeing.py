"""``concord wellbeing tick|train-crisis``: the referral clock job and the crisis model."""

from pathlib import Path

from django.core.management.base import BaseCommand

from concord.triage.algorithms import crisis
from concord.wellbeing.actions import wellbeing_tick


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

    def handle(self, *args, **options):
        if options["action"] == "train-crisis":
            model, figures = crisis.train()
            output = Path(options["output"])
            model.save(output)
            self.stdout.write(
                f"trained on {int(figures['texts'])} texts; threshold {figures['threshold']:.3f}; "
                f"cross-validated recall {figures['cv_recall_union']:.3f} (model alone "
                f"{figures['cv_recall_model']:.3f}), false alarms "
                f"{figures['cv_false_alarms_union']:.3f}; written to {output}"
            )
            return
        report = wellbeing_tick()
        self.stdout.write(
            f"contact overdue: {report.contact_overdue}, "
            f"follow-ups missed: {report.follow_ups_missed}"
        )
