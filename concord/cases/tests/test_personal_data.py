"""Residents' contact details are encrypted at rest and erased after the retention period."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from concord.cases import actions as ca
from concord.cases import stats
from concord.cases.models import Case, Party

pytestmark = pytest.mark.django_db


def filed(world):
    return ca.case_submit(
        kind="dispute",
        title="王芳与邻居纠纷",
        description="王芳，电话13812345678",
        place=world.V11,
        parties=[
            {
                "role": "complainant",
                "name": "王芳",
                "phone": "13812345678",
                "email": "wf@example.cn",
                "address": "桃村3组12号",
            }
        ],
    ).case


def test_contacts_are_ciphertext_in_the_database_and_plain_through_the_orm(world):
    case = filed(world)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, phone, email, address FROM cases_party WHERE case_id = %s", [case.pk]
        )
        raw = cursor.fetchone()
    assert all(value.startswith("enc1:") for value in raw)
    assert not any("1381234" in value or "王芳" in value for value in raw)
    party = Party.objects.get(case=case)
    assert (party.name, party.phone, party.address) == ("王芳", "13812345678", "桃村3组12号")


def test_retention_erases_personal_data_but_keeps_statistics_and_the_chain(world, capsys):
    case = filed(world)
    ca.case_accept(actor=world.bob, case=case)
    ca.case_start(actor=world.bob, case=case)
    ca.case_resolve(actor=world.bob, case=case, outcome="agreement", text="王芳与邻居达成协议")
    ca.case_feedback(case=case, resolved="yes", satisfaction=5)
    still_recent = filed(world)
    ca.case_withdraw(case=still_recent, by_resident=True)
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now() - timedelta(days=400))
    before = stats.summarize(Case.objects.all()).as_dict()
    call_command("retention", "apply", "--days", "365")
    assert "Erased personal data of 1 cases." in capsys.readouterr().out
    case.refresh_from_db()
    party = Party.objects.get(case=case)
    assert (party.name, party.phone, party.email, party.address) == ("", "", "", "")
    assert case.title == "[erased]" and "王芳" not in case.resolution_text
    assert case.events.filter(kind="personal_data_erased").exists()
    assert Party.objects.get(case=still_recent).phone == "13812345678"
    assert stats.summarize(Case.objects.all()).as_dict() == before
    call_command("audit", "verify")
    # Running again erases nothing more.
    call_command("retention", "apply", "--days", "365")
    assert "of 0 cases" in capsys.readouterr().out
