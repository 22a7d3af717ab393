"""Publishing indicator set versions: validated, immutable once published, the latest is current,
and every run names the version that produced it."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape

from ecodistrict_web.core.models import ImmutableRecordError
from ecodistrict_web.indicators import selectors, services
from ecodistrict_web.indicators.models import (
    IndicatorRun,
    IndicatorSetVersion,
)

pytestmark = pytest.mark.django_db


def shipped() -> str:
    return selectors.shipped_set_text()


def version_1_1() -> str:
    """The shipped set as version 1.1, with a stricter landfill target."""
    text = shipped().replace('version: "1.0"', 'version: "1.1"', 1)
    old_target = "  - indicator: landfill_outflow_pct\n    value: 5\n"
    assert old_target in text
    return text.replace(old_target, "  - indicator: landfill_outflow_pct\n    value: 2\n")


def bad_version() -> str:
    return (
        version_1_1()
        .replace("  - key: mci\n", "  - key: mci_bis\n")
        .replace("  - indicator: closure_waste_pct", "  - indicator: closure_heat_pct")
    )


BAD_PROBLEMS = [
    "indicator 'mci_bis' has no calculator in this release",
    "target for 'closure_heat_pct', which is not in the set",
]


def counts() -> tuple[int, int]:
    return IndicatorSetVersion.objects.count(), IndicatorRun.objects.count()


def test_a_bad_set_lists_every_problem_and_stores_nothing(client_for, staff_user, district):
    before = counts()
    result = services.save_indicator_set_version(bad_version(), staff_user, publish=True)
    assert (result.ok, result.problems, result.set_version) == (False, BAD_PROBLEMS, None)

    response = client_for(staff_user).post(
        "/indicators/sets/new/", {"text": bad_version(), "action": "publish"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Il set non è stato salvato: 2 problemi." in html
    for problem in BAD_PROBLEMS:
        assert "<li>" + escape(problem) + "</li>" in html
    assert counts() == before
    assert selectors.current_set_version().label == "formigine-2026 v1.0"


def test_invalid_yaml_is_a_problem_not_an_error(staff_user, district):
    before = counts()
    result = services.save_indicator_set_version("key: [unclosed", staff_user, publish=True)
    assert not result.ok
    assert len(result.problems) == 1 and result.problems[0].startswith("not valid YAML: ")
    assert counts() == before


def test_publishing_a_new_version_changes_the_current_set_not_the_old_runs(
    client_for, staff_user, district
):
    old_run = IndicatorRun.objects.get()
    client = client_for(staff_user)
    response = client.post("/indicators/sets/new/", {"text": version_1_1(), "action": "publish"})
    new_version = IndicatorSetVersion.objects.get(version="1.1")
    assert response.status_code == 302
    assert response["Location"] == f"/indicators/sets/{new_version.pk}/"
    assert new_version.published and new_version.published_by == staff_user
    assert new_version.label == "formigine-2026 v1.1"
    assert selectors.current_set_version() == new_version

    response = client.post("/indicators/runs/recompute/", {"district": district.pk})
    assert response.status_code == 302
    new_run = IndicatorRun.objects.exclude(pk=old_run.pk).get()
    assert new_run.set_version == new_version
    assert new_run.indicator_set_label == "formigine-2026 v1.1"
    assert new_run.results["indicator_set"] == "formigine-2026 v1.1"
    alfa_targets = new_run.positions["companies"]["ceramica-alfa"]["targets"]
    assert [t["target"] for t in alfa_targets if t["indicator"] == "landfill_outflow_pct"] == [2.0]

    old_run.refresh_from_db()
    assert old_run.set_version.version == "1.0"
    assert old_run.indicator_set_label == "formigine-2026 v1.0"
    assert old_run.results["indicator_set"] == "formigine-2026 v1.0"
    old_targets = old_run.positions["companies"]["ceramica-alfa"]["targets"]
    assert [t["target"] for t in old_targets if t["indicator"] == "landfill_outflow_pct"] == [5.0]

    # The pages say which version produced what they show.
    html = client.get("/indicators/closure/").content.decode()
    assert "con il set di indicatori <strong>formigine-2026 v1.1</strong>" in html
    html = client.get(f"/indicators/closure/?run={old_run.pk}").content.decode()
    assert "con il set di indicatori <strong>formigine-2026 v1.0</strong>" in html


def test_a_published_version_never_changes(staff_user, district):
    current = selectors.current_set_version()
    edited = shipped().replace("value: 15", "value: 20", 1)
    result = services.save_indicator_set_version(edited, staff_user, publish=True)
    assert not result.ok
    assert result.problems == [
        "la versione 1.0 del set formigine-2026 è già pubblicata e non può cambiare: dai alla "
        "nuova versione un nuovo numero (il campo 'version')"
    ]
    current.refresh_from_db()
    assert current.yaml_text == shipped()
    current.yaml_text = edited
    with pytest.raises(ImmutableRecordError):
        current.save()
    assert IndicatorSetVersion.objects.get(pk=current.pk).yaml_text == shipped()


def test_a_draft_is_not_used_until_published(client_for, staff_user, district):
    client = client_for(staff_user)
    upload = SimpleUploadedFile("formigine-2026-v1.1.yaml", version_1_1().encode("utf-8"))
    response = client.post("/indicators/sets/new/", {"file": upload, "action": "draft"})
    draft = IndicatorSetVersion.objects.get(version="1.1")
    assert response.status_code == 302
    assert not draft.published and draft.published_at is None
    assert selectors.current_set_version().version == "1.0"

    # Nothing is computed with a draft.
    with pytest.raises(ValueError, match="is a draft"):
        services.compute_and_store(district, draft, staff_user)

    # A draft may be replaced by a new text with the same number.
    stricter = version_1_1().replace("value: 2\n", "value: 1\n")
    assert services.save_indicator_set_version(stricter, staff_user, publish=False).ok
    draft.refresh_from_db()
    assert draft.yaml_text == stricter

    response = client.post(f"/indicators/sets/{draft.pk}/publish/")
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.published and draft.published_by == staff_user
    assert selectors.current_set_version() == draft


def test_the_form_starts_from_the_current_version(client_for, staff_user, district):
    html = client_for(staff_user).get("/indicators/sets/new/").content.decode()
    assert "version: &quot;1.0&quot;" in html
    assert "key: formigine-2026" in html


@pytest.mark.parametrize("role", ["firm", "facilitator"])
def test_only_staff_may_publish_a_set(client_for, make_user, district, role):
    companies = [district.companies.get(slug="ceramica-alfa")] if role == "firm" else []
    client = client_for(make_user(f"{role}-x@test.example", role, companies))
    before = counts()
    assert client.get("/indicators/sets/new/").status_code == 403
    response = client.post("/indicators/sets/new/", {"text": version_1_1(), "action": "publish"})
    assert response.status_code == 403
    draft = services.save_indicator_set_version(version_1_1(), None, publish=False).set_version
    assert client.post(f"/indicators/sets/{draft.pk}/publish/").status_code in (403, 404)
    draft.refresh_from_db()
    assert not draft.published
    assert counts() == (before[0] + 1, before[1])
    assert selectors.current_set_version().version == "1.0"


def test_everyone_signed_in_reads_the_published_definitions(client_for, firm_user, district):
    current = selectors.current_set_version()
    client = client_for(firm_user)
    html = client.get(f"/indicators/sets/{current.pk}/").content.decode()
    assert "<h1>formigine-2026 v1.0</h1>" in html
    assert "Ingressi circolari" in html
    assert "WBCSD Circular Transition Indicators (% circular inflow)" in html
    response = client.get(f"/indicators/sets/{current.pk}/yaml/")
    assert response.status_code == 200
    assert response.content.decode() == shipped()
    # A firm member does not see drafts.
    draft = services.save_indicator_set_version(version_1_1(), None, publish=False).set_version
    assert client.get(f"/indicators/sets/{draft.pk}/").status_code == 404
    assert "formigine-2026 v1.1" not in client.get("/indicators/sets/").content.decode()
