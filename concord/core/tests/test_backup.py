"""A restored backup verifies its audit chain and serves the same cases."""

import pytest
from django.core.management import call_command

from concord.cases import actions as ca
from concord.cases.models import Case


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_brings_back_the_same_cases(world, tmp_path, capsys):
    kept = [
        ca.case_submit(kind="dispute", title=f"案件{i}", description="d", place=world.V11).case
        for i in range(3)
    ]
    ca.case_accept(actor=world.bob, case=kept[0])
    path = tmp_path / "concord.backup"
    call_command("backup", str(path))
    assert path.stat().st_size > 0
    assert path.stat().st_mode & 0o777 == 0o600  # owner-only
    ca.case_submit(kind="dispute", title="after the backup", description="d", place=world.V11)
    call_command("restore", str(path))
    assert sorted(Case.objects.values_list("receipt_code", flat=True)) == sorted(
        c.receipt_code for c in kept
    )
    call_command("audit", "verify")
    assert "OK: 4 events" in capsys.readouterr().out


def test_restoring_a_missing_backup_is_a_clear_error(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no backup"):
        call_command("restore", str(tmp_path / "missing"))
