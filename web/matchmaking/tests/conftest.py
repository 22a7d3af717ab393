"""Fixtures of the matchmaking tests: a five-firm district with matches of three kinds, and a
member of three of its firms."""

from __future__ import annotations

from pathlib import Path

import pytest

MATCHING_DISTRICT = Path(__file__).resolve().parent / "data" / "matching-district.yaml"

UNO, DUE, QUATTRO = "Ceramica Uno S.p.A.", "Ceramica Due S.r.l.", "Serrature Quattro S.r.l."


@pytest.fixture
def matching_text() -> str:
    return MATCHING_DISTRICT.read_text(encoding="utf-8")


@pytest.fixture
def matching_district(db, matching_text):
    from ecodistrict_web.companies.services import import_district

    result = import_district(matching_text, "matching-district.yaml", replace=False)
    assert result.ok, result.problems
    assert result.match_run is not None, result.match_error
    return result.district


@pytest.fixture
def company(matching_district):
    def get(slug: str):
        return matching_district.companies.get(slug=slug)

    return get


@pytest.fixture
def uno_user(make_user, company):
    return make_user("uno@test.example", "firm", [company("ceramica-uno")])


@pytest.fixture
def due_user(make_user, company):
    return make_user("due@test.example", "firm", [company("ceramica-due")])


@pytest.fixture
def quattro_user(make_user, company):
    """A member of a third firm, not part of the Uno ↔ Due matches."""
    return make_user("quattro@test.example", "firm", [company("serrature-quattro")])


@pytest.fixture
def facilitator_user(make_user, matching_district):
    """A facilitator granted the matching district."""
    from ecodistrict_web.accounts.services import grant_facilitator

    user = make_user("facilitator@test.example", "facilitator")
    grant_facilitator(user, district=matching_district)
    return user


@pytest.fixture
def proposal():
    """The proposal of the latest run joining a supplier flow to a receiver (and its flow)."""
    from ecodistrict_web.matchmaking.models import MatchProposal, MatchRun

    def get(supplier: str, supplier_flow: str, receiver: str, receiver_flow: str = ""):
        run = MatchRun.objects.order_by("-created_at", "-pk").first()
        return MatchProposal.objects.get(
            run=run,
            supplier_slug=supplier,
            supplier_flow=supplier_flow,
            receiver_slug=receiver,
            receiver_flow=receiver_flow,
        )

    return get
