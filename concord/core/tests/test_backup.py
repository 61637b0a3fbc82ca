"""Backups restore: the database, media and keys come back, and nothing is issued twice."""

import tarfile

import pytest
from cryptography.fernet import Fernet
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from concord import settings as concord_settings
from concord.cases import actions as ca
from concord.cases.models import Case, Party
from concord.cases.selectors import get_case_by_receipt
from concord.core import backup as bk
from concord.core.checkpoints import generate_key
from concord.core.datadir import make_owner_only

User = get_user_model()
PASS = "a long passphrase for the keys"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100


def use_data_dir(settings, data_dir, *, secret_key, field_key=""):
    """Point Concord at a data directory with its own keys, as on another machine."""
    settings.DATA_DIR = data_dir
    settings.MEDIA_ROOT = data_dir / "media"
    settings.SECRET_KEY = secret_key
    settings.CONCORD_FIELD_KEY = field_key
    settings.LEDGER = {
        "SIGNING_KEY_FILE": str(data_dir / "keys" / "ledger-signing.pem"),
        "CHECKPOINT_LOG": str(data_dir / "ledger" / "checkpoints.jsonl"),
        "MIRRORS": [],
    }


def mode(path) -> int:
    return path.stat().st_mode & 0o777


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_a_fresh_data_directory(world, tmp_path, settings):
    old, new = tmp_path / "old", tmp_path / "new"
    use_data_dir(
        settings, old, secret_key="old-" + "s" * 46, field_key=Fernet.generate_key().decode()
    )
    generate_key()
    sub = ca.case_submit(
        kind="dispute",
        title="邻里纠纷",
        description="d",
        place=world.V11,
        parties=[{"role": "complainant", "name": "王芳", "phone": "13800000001"}],
        contact_consent=True,
    )
    with transaction.atomic():  # as the pages call it
        ca.case_attach(case=sub.case, data=PNG, name="photo.png")
    stored_file = sub.case.attachments.get().file.name
    path = tmp_path / "backups" / "concord.backup"
    call_command("backup", str(path), "--passphrase", PASS)
    assert mode(path) == 0o600 and mode(path.parent) == 0o700  # owner-only
    with tarfile.open(path) as tar:
        names = tar.getnames()
        sealed = tar.extractfile("keys.json").read().decode()
    assert {"manifest.json", "keys.json", "media"} <= set(names)
    assert f"media/{stored_file}" in names
    assert settings.CONCORD_FIELD_KEY not in sealed and settings.SECRET_KEY not in sealed
    after = ca.case_submit(kind="dispute", title="after", description="d", place=world.V11).case

    # Another machine: a fresh data directory, other keys, no media.
    use_data_dir(settings, new, secret_key="new-" + "t" * 46)
    call_command("restore", str(path), "--passphrase", PASS, "--sequence-gap", "1000")

    # Restarted, Concord reads the restored keys from its data directory.
    settings.SECRET_KEY = concord_settings._local_file(new / "secret_key")
    settings.CONCORD_FIELD_KEY = concord_settings._local_file(new / "field_key")
    assert settings.SECRET_KEY == "old-" + "s" * 46
    for key_file in (new / "secret_key", new / "field_key", new / "keys" / "ledger-signing.pem"):
        assert mode(key_file) == 0o600
    assert (new / "keys" / "ledger-signing.pem").read_bytes() == (
        old / "keys" / "ledger-signing.pem"
    ).read_bytes()
    party = Party.objects.get(case__receipt_code=sub.case.receipt_code)
    assert (party.name, party.phone) == ("王芳", "13800000001")
    assert get_case_by_receipt(sub.case.receipt_code, sub.token).pk == sub.case.pk
    assert (new / "media" / stored_file).read_bytes() == PNG
    assert not Case.objects.filter(pk=after.pk).exists()  # filed after the backup

    # The receipt code issued after the backup is never issued again.
    again = ca.case_submit(kind="dispute", title="again", description="d", place=world.V11).case
    assert again.pk == after.pk + 1000 + 1
    assert again.receipt_code != after.receipt_code


@pytest.mark.django_db(transaction=True)
def test_a_wrong_passphrase_is_refused_and_nothing_changes(world, tmp_path, settings):
    use_data_dir(settings, tmp_path / "old", secret_key="old-" + "s" * 46)
    path = tmp_path / "concord.backup"
    call_command("backup", str(path), "--passphrase", PASS)
    later = User.objects.create(username="after-the-backup")
    fresh = tmp_path / "fresh"
    use_data_dir(settings, fresh, secret_key="new-" + "t" * 46)
    (fresh / "media").mkdir(parents=True)
    (fresh / "media" / "mine.txt").write_text("untouched")

    with pytest.raises(CommandError, match="passphrase does not open"):
        call_command("restore", str(path), "--passphrase", "not the passphrase")
    with pytest.raises(CommandError, match="passphrase is needed"):
        call_command("restore", str(path))
    assert User.objects.filter(pk=later.pk).exists()
    assert (fresh / "media" / "mine.txt").read_text() == "untouched"
    assert not (fresh / "secret_key").exists()


def test_a_backup_needs_a_passphrase(tmp_path, monkeypatch):
    monkeypatch.delenv(bk.PASSPHRASE_ENV, raising=False)
    with pytest.raises(CommandError, match="passphrase is needed"):
        call_command("backup", str(tmp_path / "b"))
    assert not (tmp_path / "b").exists()


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_brings_back_the_same_cases(world, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv(bk.PASSPHRASE_ENV, PASS)  # the passphrase from the environment
    kept = [
        ca.case_submit(kind="dispute", title=f"案件{i}", description="d", place=world.V11).case
        for i in range(3)
    ]
    ca.case_accept(actor=world.bob, case=kept[0])
    path = tmp_path / "concord.backup"
    call_command("backup", str(path))
    ca.case_submit(kind="dispute", title="after the backup", description="d", place=world.V11)
    call_command("restore", str(path))
    assert sorted(Case.objects.values_list("receipt_code", flat=True)) == sorted(
        c.receipt_code for c in kept
    )
    call_command("audit", "verify")
    assert "OK: 4 events" in capsys.readouterr().out


def test_restoring_a_missing_or_foreign_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="no backup"):
        call_command("restore", str(tmp_path / "missing"), "--passphrase", PASS)
    (tmp_path / "db.sqlite3").write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    with pytest.raises(CommandError, match="not a Concord backup"):
        call_command("restore", str(tmp_path / "db.sqlite3"), "--passphrase", PASS)


def test_the_data_directory_and_what_is_in_it_become_owner_only(tmp_path):
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    (data / "concord.sqlite3").write_text("")
    (data / "concord.sqlite3").chmod(0o644)
    (data / "sms-outbox.jsonl").write_text("")
    (data / "sms-outbox.jsonl").chmod(0o644)
    make_owner_only(data)
    assert mode(data) == 0o700
    assert mode(data / "concord.sqlite3") == mode(data / "sms-outbox.jsonl") == 0o600


@pytest.mark.django_db(transaction=True)
def test_a_restore_over_later_checkpoints_is_signed_past_them_and_verifies(tmp_path, capsys):
    from django.db import transaction

    from concord.core.checkpoints import verify_ledger, write_checkpoint
    from concord.core.ledger import append_event

    def event(stream):
        with transaction.atomic():
            append_event(stream=stream, kind="noted", data={"n": 1}, new_stream=True)

    generate_key()
    event("test:before")
    assert write_checkpoint().number == 1
    path = tmp_path / "concord.backup"
    call_command("backup", str(path), "--passphrase", PASS)
    event("test:after")
    assert write_checkpoint().number == 2  # in the log, covering an event the backup lacks

    call_command("restore", str(path), "--passphrase", PASS)
    assert "signed as checkpoint 3" in capsys.readouterr().out  # never 2 a second time
    report = verify_ledger()
    assert report.problem is None and report.checkpoint == 3
    assert write_checkpoint().number == 4
