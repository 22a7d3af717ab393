"""Reads on the manifesto, signatures and commitments, shaped for the pages and the reports.

Signatures and commitments a user reaches come from ``restrict(user, action)``. The public page
is deliberately not restricted, and names only the firms whose latest signature consents to it;
the other firms are counted, never named. Progress is worked out by the library's rule
(``ecodistrict.scenarios.commitment_progress``) from the firm's indicator runs, one value a year
(the latest run of each year).
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import number_format

from ecodistrict.scenarios import STATUSES, CommitmentProgress, commitment_progress
from ecodistrict_web.accounts.permissions import CHANGE, VIEW
from ecodistrict_web.commitments.models import CharterKind, CharterVersion, Commitment, Signature
from ecodistrict_web.commitments.permissions import can_act_for_firms
from ecodistrict_web.companies.models import Company
from ecodistrict_web.indicators.models import IndicatorRun
from ecodistrict_web.indicators.selectors import indicator_set_of, unit_label

# --- texts -------------------------------------------------------------------------------------


def current_charters() -> dict[str, CharterVersion]:
    """The latest version of each published text, by kind (public information)."""
    current: dict[str, CharterVersion] = {}
    for kind in CharterKind.values:
        row = CharterVersion.objects.filter(kind=kind).order_by("-version").first()
        if row is not None:
            current[kind] = row
    return current


def charter_versions(kind: str) -> QuerySet[CharterVersion]:
    return CharterVersion.objects.filter(kind=kind).order_by("-version")


def charter_version(kind: str, version: int | None) -> CharterVersion | None:
    rows = charter_versions(kind)
    return rows.filter(version=version).first() if version is not None else rows.first()


@dataclass(frozen=True)
class Block:
    kind: str  # heading | paragraph | list
    text: str
    items: list[str]


def charter_blocks(body: str) -> list[Block]:
    """The body as headings ("## "), lists ("- ") and paragraphs (blank-line separated)."""
    blocks: list[Block] = []
    for chunk in body.replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in chunk.strip().split("\n") if line.strip()]
        if not lines:
            continue
        if lines[0].startswith("## "):
            blocks.append(Block("heading", lines[0][3:], []))
            lines = lines[1:]
            if not lines:
                continue
        if all(line.startswith("- ") for line in lines):
            blocks.append(Block("list", "", [line[2:] for line in lines]))
        else:
            blocks.append(Block("paragraph", " ".join(lines), []))
    return blocks


# --- firms, baselines, progress -----------------------------------------------------------------


def firms_for_user(user: Any) -> QuerySet[Company]:
    """The firms ``user`` signs and commits for: the firms they are a member of."""
    if not can_act_for_firms(user):
        return Company.objects.none()
    return Company.objects.restrict(user, CHANGE).select_related("district").order_by("name")


def commitments_for_user(user: Any) -> QuerySet[Commitment]:
    return Commitment.objects.restrict(user, VIEW)


def signatures_for_user(user: Any) -> QuerySet[Signature]:
    return Signature.objects.restrict(user, VIEW).select_related("document")


def has_signed_manifesto(company: Company) -> bool:
    return Signature.objects.filter(
        district_name=company.district.name,
        company_slug=company.slug,
        document__kind=CharterKind.MANIFESTO,
    ).exists()


def _runs_of(district_name: str) -> QuerySet[IndicatorRun]:
    # Runs of the district by name, so a district replaced by a new import keeps its history.
    return IndicatorRun.objects.filter(district_name=district_name).order_by("created_at", "pk")


@dataclass(frozen=True)
class Baseline:
    value: float
    year: int
    run: IndicatorRun
    direction: str
    unit: str
    name_it: str
    name_en: str


def baseline_for(company: Company, indicator_key: str) -> Baseline | None:
    """The indicator's value in the latest run of the firm's district, with the run's year and
    the indicator's definition in the run's set; None if the run has no value for the firm."""
    run = (
        _runs_of(company.district.name)
        .select_related("set_version")
        .order_by("-created_at", "-pk")
        .first()
    )
    if run is None:
        return None
    value = run.results.get("companies", {}).get(company.slug, {}).get(indicator_key)
    if not isinstance(value, int | float):
        return None
    try:
        definition = indicator_set_of(run.set_version).definition(indicator_key)
    except KeyError:
        return None
    if definition.level != "company":
        return None
    return Baseline(
        value=float(value),
        year=run.created_at.year,
        run=run,
        direction=definition.direction,
        unit=definition.unit,
        name_it=definition.name_it,
        name_en=definition.name_en,
    )


def commitment_indicator_choices(company: Company, language: str) -> list[tuple[str, str]]:
    """The company indicators of the latest run's set that have a direction and a value."""
    run = (
        _runs_of(company.district.name)
        .select_related("set_version")
        .order_by("-created_at", "-pk")
        .first()
    )
    if run is None:
        return []
    values = run.results.get("companies", {}).get(company.slug, {})
    choices = []
    for definition in indicator_set_of(run.set_version).definitions:
        value = values.get(definition.key)
        if (
            definition.level == "company"
            and definition.direction in ("higher", "lower")
            and isinstance(value, int | float)
        ):
            shown = number_format(value, decimal_pos=2)
            unit = unit_label(definition.unit)
            choices.append(
                (
                    definition.key,
                    f"{definition.name(language)} ({shown}{' ' + unit if unit else ''})",
                )
            )
    return choices


class RunValues:
    """The firms' indicator values of each run of a district, read once per page (a page with
    many commitments of the same district reads its runs once)."""

    def __init__(self) -> None:
        self._runs: dict[str, list[tuple[int, datetime.datetime, dict[str, Any]]]] = {}

    def runs(self, district_name: str) -> list[tuple[int, datetime.datetime, dict[str, Any]]]:
        if district_name not in self._runs:
            self._runs[district_name] = [
                (run.pk, run.created_at, run.results.get("companies", {}))
                for run in _runs_of(district_name).only("pk", "created_at", "results")
            ]
        return self._runs[district_name]


def values_by_year(commitment: Commitment, cache: RunValues | None = None) -> dict[int, float]:
    """The commitment's indicator, one value a year (the latest run of each year), from the
    baseline run on."""
    runs = (cache or RunValues()).runs(commitment.district_name)
    since = next(
        (created for pk, created, _values in runs if pk == commitment.baseline_run_id), None
    )
    values: dict[int, float] = {}
    for _pk, created, companies in runs:  # ordered by time: the latest of a year wins
        if (since is not None and created < since) or created.year < commitment.baseline_year:
            continue
        value = companies.get(commitment.company_slug, {}).get(commitment.indicator_key)
        if isinstance(value, int | float):
            values[created.year] = float(value)
    return values


def progress_of(
    commitment: Commitment, as_of_year: int | None = None, cache: RunValues | None = None
) -> CommitmentProgress:
    return commitment_progress(
        (commitment.baseline_year, commitment.baseline_value),
        commitment.target_value,
        commitment.deadline_year,
        values_by_year(commitment, cache),
        commitment.direction,
        as_of_year=as_of_year if as_of_year is not None else timezone.now().year,
    )


@dataclass(frozen=True)
class CommitmentRow:
    commitment: Commitment
    name: str
    unit: str
    progress: CommitmentProgress


def _row(commitment: Commitment, language: str, cache: RunValues) -> CommitmentRow:
    return CommitmentRow(
        commitment=commitment,
        name=commitment.indicator_name_it
        if language.startswith("it")
        else commitment.indicator_name_en,
        unit=unit_label(commitment.unit),
        progress=progress_of(commitment, cache=cache),
    )


@dataclass(frozen=True)
class FirmSection:
    company: Company
    signatures: list[Signature]
    signed_current: bool
    commitments: list[CommitmentRow]
    indicator_choices: list[tuple[str, str]]


def firm_sections(user: Any, language: str) -> list[FirmSection]:
    """ "I miei impegni": for each firm of the user, its signatures, commitments and progress."""
    current = {row.pk for row in current_charters().values()}
    cache = RunValues()
    sections = []
    for company in firms_for_user(user):
        signatures = list(signatures_for_user(user).filter(company=company))
        signed = {signature.document_id for signature in signatures}
        commitments = commitments_for_user(user).filter(company=company).order_by("pk")
        sections.append(
            FirmSection(
                company=company,
                signatures=signatures,
                signed_current=bool(current) and current <= signed,
                commitments=[_row(commitment, language, cache) for commitment in commitments],
                indicator_choices=commitment_indicator_choices(company, language),
            )
        )
    return sections


def all_commitments(user: Any, language: str) -> list[CommitmentRow]:
    """Every commitment the user may read, with its progress (staff and facilitators)."""
    cache = RunValues()
    return [
        _row(commitment, language, cache)
        for commitment in commitments_for_user(user).order_by("company_name", "pk")
    ]


def commitments_for_report(company: Company) -> list[dict[str, Any]]:
    """The firm's commitments for its positioning report (``ecodistrict.reports``): indicator,
    baseline, target, deadline, latest value and status (met, on_track, late). Not a
    user-facing read: callers pass a company they reached through ``restrict``."""
    rows = []
    cache = RunValues()
    for commitment in Commitment.objects.filter(
        district_name=company.district.name, company_slug=company.slug
    ).order_by("pk"):
        progress = progress_of(commitment, cache=cache)
        rows.append(
            {
                "indicator": commitment.indicator_key,
                "baseline": commitment.baseline_value,
                "baseline_year": commitment.baseline_year,
                "target": commitment.target_value,
                "deadline": commitment.deadline_year,
                "latest_value": progress.latest_value,
                "current": progress.latest_value,  # the report's name for the latest value
                "latest_year": progress.latest_year,
                "status": progress.status,
            }
        )
    return rows


# --- the public page ------------------------------------------------------------------------


@dataclass(frozen=True)
class AggregateRow:
    key: str
    name: str
    counts: dict[str, int]
    total: int


@dataclass(frozen=True)
class PublicFirmRow:
    company_name: str
    commitments: list[CommitmentRow]


@dataclass(frozen=True)
class PublicPage:
    charters: dict[str, CharterVersion]
    signatory_count: int
    listed_names: list[str]
    aggregate: list[AggregateRow]
    listed_firms: list[PublicFirmRow]


def _consenting_firms() -> tuple[set[tuple[str, str]], dict[tuple[str, str], str]]:
    """Every signatory firm (district name, id), and the names of those whose latest
    signature consents to be listed."""
    firms: set[tuple[str, str]] = set()
    latest: dict[tuple[str, str], Signature] = {}
    for signature in Signature.objects.order_by("signed_at", "pk"):
        key = (signature.district_name, signature.company_slug)
        firms.add(key)
        latest[key] = signature  # ordered by time: the latest wins
    names = {key: row.company_name for key, row in latest.items() if row.public_consent}
    return firms, names


#: Fewest firms behind a public aggregate row that names no firm (see public_page).
MIN_PUBLIC_GROUP = 3


def consenting_company_slugs(district_name: str) -> set[str]:
    """The firms of a district whose latest signature consents to be named publicly (for the
    district report). Not a user-facing read: consent is public by definition."""
    _, names = _consenting_firms()
    return {slug for (district, slug) in names if district == district_name}


def public_page(language: str) -> PublicPage:
    """The signatories and the aggregate progress; a firm is named only with its consent.

    Deliberately not restricted: this is the public page. Non-consenting firms are counted in
    the totals and the aggregate, never named, and their own commitments are not listed.
    """
    firms, names = _consenting_firms()
    counts: dict[str, Counter[str]] = {}
    labels: dict[str, str] = {}
    listed: dict[tuple[str, str], list[CommitmentRow]] = {}
    cache = RunValues()
    committed: dict[str, set[tuple[str, str]]] = {}
    for commitment in Commitment.objects.order_by("company_name", "pk"):
        row = _row(commitment, language, cache)
        counts.setdefault(commitment.indicator_key, Counter())[row.progress.status] += 1
        labels.setdefault(commitment.indicator_key, row.name)
        key = (commitment.district_name, commitment.company_slug)
        committed.setdefault(commitment.indicator_key, set()).add(key)
        if key in names:
            listed.setdefault(key, []).append(row)
    # An indicator committed to by one or two firms, one of which did not consent, would single
    # it out: such rows are left out of the aggregate (as the district report's groups of < 3).
    aggregate = [
        AggregateRow(
            key=key,
            name=labels[key],
            counts={status: counter.get(status, 0) for status in STATUSES},
            total=sum(counter.values()),
        )
        for key, counter in sorted(counts.items(), key=lambda item: labels[item[0]])
        if len(committed[key]) >= MIN_PUBLIC_GROUP or committed[key] <= names.keys()
    ]
    return PublicPage(
        charters=current_charters(),
        signatory_count=len(firms),
        listed_names=sorted(names.values()),
        aggregate=aggregate,
        listed_firms=[
            PublicFirmRow(names[key], rows)
            for key, rows in sorted(listed.items(), key=lambda item: names[item[0]])
        ],
    )
