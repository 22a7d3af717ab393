"""The CLI bridge: import_file and load_demo (serve is exercised by hand and in the README)."""

from __future__ import annotations

import io
from importlib.resources import files

import pytest

from ecodistrict.io import validate_district_text
from ecodistrict_web import commands
from ecodistrict_web.accounts.models import FacilitatorGrant, Membership, User
from ecodistrict_web.companies.models import Company, District, Flow
from ecodistrict_web.conftest import SMALL_DISTRICT

pytestmark = pytest.mark.django_db(transaction=True)


def test_import_file_stores_a_good_file(capsys):
    assert commands.import_file(str(SMALL_DISTRICT), replace=False) == 0
    out, err = capsys.readouterr()
    assert out == (
        f"{SMALL_DISTRICT}: district 'Test district (web)' imported: 3 companies, 10 flows, "
        "2 exchanges in place\n"
    )
    assert err == ""
    assert (District.objects.count(), Company.objects.count(), Flow.objects.count()) == (1, 3, 10)


def test_import_file_reports_problems_like_validate(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        SMALL_DISTRICT.read_text(encoding="utf-8").replace("quantity: 80\n", "quantity: -80\n"),
        encoding="utf-8",
    )
    assert commands.import_file(str(bad), replace=False) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        f"{bad}: company 'serrature-gamma', flow 'steel-scrap', field 'quantity': must be >= 0 "
        "(got -80)\n"
        f"{bad}: 1 problem(s) found; nothing stored\n"
    )
    assert District.objects.count() == 0


def test_import_file_refuses_a_second_import_unless_replace(capsys):
    assert commands.import_file(str(SMALL_DISTRICT), replace=False) == 0
    capsys.readouterr()
    assert commands.import_file(str(SMALL_DISTRICT), replace=False) == 1
    _out, err = capsys.readouterr()
    assert err == (
        f"{SMALL_DISTRICT}: a district named 'Test district (web)' is already stored; to "
        "replace it, import with --replace (command line) or tick 'replace' (import page)\n"
        f"{SMALL_DISTRICT}: 1 problem(s) found; nothing stored\n"
    )
    assert commands.import_file(str(SMALL_DISTRICT), replace=True) == 0
    out, _err = capsys.readouterr()
    assert "district 'Test district (web)' replaced: 3 companies" in out
    assert District.objects.count() == 1


def test_import_file_missing_path(tmp_path, capsys):
    missing = tmp_path / "nope.yaml"
    assert commands.import_file(str(missing), replace=False) == 1
    assert capsys.readouterr().err == f"{missing}: file: file not found: {missing}\n"


def test_import_file_reads_stdin(monkeypatch, capsys):
    stdin = io.TextIOWrapper(io.BytesIO(SMALL_DISTRICT.read_bytes()), encoding="utf-8")
    monkeypatch.setattr("sys.stdin", stdin)
    assert commands.import_file("-", replace=False) == 0
    assert capsys.readouterr().out.startswith("<stdin>: district 'Test district (web)' imported")


def test_load_demo_with_the_shipped_demo_file():
    text = (files("ecodistrict") / commands.DEMO_FILE).read_text(encoding="utf-8")
    expected = validate_district_text(text, "formigine-demo.yaml").district
    assert expected is not None
    out = io.StringIO()
    assert commands.load_demo(out) is True
    district = District.objects.get()
    assert district.name == expected.district.name
    assert district.notice.startswith("Dati illustrativi – aziende fittizie")
    assert Company.objects.count() == len(expected.companies)
    assert Flow.objects.count() == sum(len(c.flows) for c in expected.companies)
    assert Flow.objects.exclude(supplied_by=None).count() == sum(
        1 for c in expected.companies for f in c.flows if f.supplied_by is not None
    )
    users = {u.username: u.role for u in User.objects.all()}
    assert users == {
        "staff@demo.ecodistrict": "staff",
        "facilitator@demo.ecodistrict": "facilitator",
        "firm@demo.ecodistrict": "firm",
    }
    for account in commands.DEMO_ACCOUNTS:
        assert User.objects.get(username=account.username).check_password(account.password)
    first = expected.companies[0]
    assert list(Membership.objects.values_list("user__username", "company__slug")) == [
        ("firm@demo.ecodistrict", first.id)
    ]
    assert f"Demo firm account linked to '{first.name}'." in out.getvalue()
    # The demo facilitator is granted the demo district, and so reads every demo firm.
    facilitator = User.objects.get(username="facilitator@demo.ecodistrict")
    assert list(
        FacilitatorGrant.objects.values_list("user__username", "district__name", "company")
    ) == [("facilitator@demo.ecodistrict", district.name, None)]
    assert Company.objects.restrict(facilitator).count() == len(expected.companies)


def test_load_demo_does_nothing_when_there_are_users(make_user):
    make_user("someone@test.example", "staff")
    out = io.StringIO()
    assert commands.load_demo(out, SMALL_DISTRICT) is False
    assert out.getvalue() == "The database already has users: demo data not loaded.\n"
    assert (District.objects.count(), User.objects.count()) == (0, 1)


def test_load_demo_reuses_a_district_already_imported():
    assert commands.import_file(str(SMALL_DISTRICT), replace=False) == 0
    out = io.StringIO()
    assert commands.load_demo(out, SMALL_DISTRICT) is True
    assert "already stored: kept as it is" in out.getvalue()
    assert District.objects.count() == 1
    assert Membership.objects.get().company.slug == "ceramica-alfa"


def test_demo_logins_text_lists_every_account():
    text = commands.demo_logins_text()
    for account in commands.DEMO_ACCOUNTS:
        assert account.username in text
        assert account.password in text
