"""Fixtures of the selection tests: a call and lots for the small test district."""

from __future__ import annotations

import pytest

CALL = """\
format: ecodistrict/call/1
call:
  id: test-call
  name_it: Bando di prova
  name_en: Test call
method: weighted-sum
applicants:
  - {company: ceramica-beta, space_m2: 1500, assessment_validated: true}
  - {company: serrature-gamma, space_m2: 800, assessment_validated: true}
requirements:
  - id: assessment
    label_it: Assessment validato
    label_en: Assessment validated
    indicator: assessment_validated
    operator: "=="
    threshold: 1
criteria:
  - id: circularity
    label_it: Circolarità
    label_en: Circularity
    indicator: circularity_pct
    direction: benefit
    weight: 0.6
  - id: links
    label_it: Simbiosi possibili
    label_en: Possible links
    indicator: symbiosis_links_possible
    direction: benefit
    weight: 0.4
"""

LOTS = """\
format: ecodistrict/lots/1
area: {name_it: Comparto di prova, name_en: Test area}
lots:
  - {id: l1, area_m2: 2000, location: {lat: 44.57, lon: 10.85}}
  - {id: l2, area_m2: 1000, location: {lat: 44.571, lon: 10.851}}
"""

CONTRADICTORY_LOTS = (
    LOTS
    + """\
fixed:
  - {company: ceramica-beta, choice: in}
  - {company: ceramica-beta, choice: out}
"""
)


@pytest.fixture
def inline_runs(monkeypatch):
    """Runs execute synchronously when the request's transaction commits (the test's own
    transaction is never committed, so a thread could not see the run)."""
    from ecodistrict_web.selection import services

    monkeypatch.setattr(services, "start_in_thread", services.execute_run)


@pytest.fixture
def call_version(district, staff_user):
    from ecodistrict_web.selection.services import save_call_version

    result = save_call_version(district, CALL, staff_user)
    assert result.ok, result.problems
    return result.version


@pytest.fixture
def lots_version(district, staff_user):
    from ecodistrict_web.selection.services import save_lots_version

    result = save_lots_version(district, LOTS, staff_user)
    assert result.ok, result.problems
    return result.version
