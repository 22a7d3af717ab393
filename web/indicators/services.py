"""Writes on indicator set versions and indicator runs: the only code that creates them.

There is no update or delete here on purpose. A published set version is immutable (a change is
a new version); a run is created once and kept as it was, with the data it read.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import ecodistrict
from ecodistrict.domain.models import DistrictFile
from ecodistrict.indicators import (
    IndicatorSet,
    IndicatorSetError,
    compute_indicators,
    district_flow_balance,
    parse_indicator_set,
)
from ecodistrict.indicators.positioning import (
    load_reference_values,
    peer_table,
    position_company,
    position_district,
)
from ecodistrict_web.companies import selectors as company_selectors
from ecodistrict_web.companies.models import District
from ecodistrict_web.core.models import canonical_sha256
from ecodistrict_web.indicators import selectors
from ecodistrict_web.indicators.models import (
    IndicatorRun,
    IndicatorSetVersion,
    RunTrigger,
)

logger = logging.getLogger(__name__)

#: The largest indicator set accepted (YAML text, characters).
MAX_SET_CHARS = 1_000_000


@dataclass(frozen=True)
class SetVersionResult:
    """What saving or publishing a set version did, or why it did nothing (``problems``)."""

    ok: bool
    problems: list[str] = field(default_factory=list)
    set_version: IndicatorSetVersion | None = None


def save_indicator_set_version(text: str, user: Any, *, publish: bool) -> SetVersionResult:
    """Store the YAML text of an indicator set as a draft, or publish it; or store nothing.

    The text is validated with the library's ``parse_indicator_set``; every problem is returned.
    Its key and version come from the text. A published version with the same key and version is
    never overwritten (give the new version a new number); a draft with the same key and version
    is replaced.
    """
    if len(text) > MAX_SET_CHARS:
        return SetVersionResult(
            ok=False, problems=[_("The text is longer than 1,000,000 characters.")]
        )
    try:
        parsed = parse_indicator_set(text)
    except IndicatorSetError as exc:
        return SetVersionResult(ok=False, problems=[str(problem) for problem in exc.problems])
    with transaction.atomic():
        row = (
            IndicatorSetVersion.objects.select_for_update()
            .filter(key=parsed.key, version=parsed.version)
            .first()
        )
        if row is not None and row.published:
            return SetVersionResult(
                ok=False,
                problems=[
                    _(
                        "version %(version)s of the set %(key)s is already published and cannot "
                        "change: give the new version a new number (the 'version' field)"
                    )
                    % {"version": parsed.version, "key": parsed.key}
                ],
            )
        if row is None:
            row = IndicatorSetVersion(key=parsed.key, version=parsed.version, created_by=user)
        _fill(row, text, parsed)
        if publish:
            _mark_published(row, user)
        row.save()
    logger.info("indicator set %s saved (%s)", row.label, "published" if publish else "draft")
    return SetVersionResult(ok=True, set_version=row)


def publish_indicator_set_version(set_version: IndicatorSetVersion, user: Any) -> SetVersionResult:
    """Publish a draft: from now on it is the current set and it never changes."""
    with transaction.atomic():
        row = IndicatorSetVersion.objects.select_for_update().get(pk=set_version.pk)
        if row.published:
            return SetVersionResult(
                ok=False, problems=[_("This version is already published.")], set_version=row
            )
        try:
            parse_indicator_set(row.yaml_text)
        except IndicatorSetError as exc:
            return SetVersionResult(
                ok=False, problems=[str(problem) for problem in exc.problems], set_version=row
            )
        _mark_published(row, user)
        row.save()
    logger.info("indicator set %s published", row.label)
    return SetVersionResult(ok=True, set_version=row)


def ensure_default_indicator_set() -> IndicatorSetVersion:
    """The current set version; on first use (nothing published yet) the set that ships with
    ecodistrict (``load_indicator_set()``) is registered and published, by nobody."""
    current = selectors.current_set_version()
    if current is not None:
        return current
    text = selectors.shipped_set_text()
    parsed = parse_indicator_set(text)
    with transaction.atomic():
        row = (
            IndicatorSetVersion.objects.select_for_update()
            .filter(key=parsed.key, version=parsed.version)
            .first()
        )
        if row is None:
            row = IndicatorSetVersion(key=parsed.key, version=parsed.version)
        if not row.published:
            _fill(row, text, parsed)
            row.shipped = True
            _mark_published(row, None)
            row.save()
    logger.info("indicator set %s registered (shipped with ecodistrict)", row.label)
    return row


def _fill(row: IndicatorSetVersion, text: str, parsed: IndicatorSet) -> None:
    row.yaml_text = text
    row.yaml_sha256 = canonical_sha256(text)
    row.label = parsed.label
    row.name_it = parsed.name_it
    row.name_en = parsed.name_en


def _mark_published(row: IndicatorSetVersion, user: Any) -> None:
    row.published = True
    row.published_at = timezone.now()
    row.published_by = user if getattr(user, "is_authenticated", False) else None


# --- runs -------------------------------------------------------------------------------------


def compute_and_store(
    district: District,
    set_version: IndicatorSetVersion,
    user: Any,
    *,
    trigger: str = RunTrigger.MANUAL,
) -> IndicatorRun:
    """Compute the indicators of ``district`` with ``set_version`` and store them as a new run.

    The run keeps the district data exactly as read (``input_snapshot``, the district file with
    its SHA-256), the set version, and everything the pages show: results, the reasons of missing
    values, each firm's positioning and the flow balance of each cycle. The library computes on
    the snapshot itself, so what is stored is what was read. Only a published set version
    computes runs (a draft raises ``ValueError``).
    """
    if not set_version.published:
        raise ValueError(f"{set_version.label} is a draft: publish it before computing with it")
    snapshot = company_selectors.district_file(district).model_dump(mode="json", exclude_none=True)
    data = DistrictFile.model_validate(snapshot)
    indicator_set = parse_indicator_set(set_version.yaml_text)
    results = compute_indicators(data, indicator_set)
    peers = peer_table(results, data)
    references = load_reference_values()
    positions = _compact_positions(
        {
            "companies": {
                company_id: position_company(
                    company_id, results, data, peers=peers, references=references
                ).to_document()
                for company_id in results.companies
            },
            "district": position_district(results, references=references).to_document(),
        }
    )
    run = IndicatorRun.objects.create(
        district=district,
        district_name=district.name,
        set_version=set_version,
        indicator_set_label=set_version.label,
        input_snapshot=snapshot,
        input_sha256=canonical_sha256(snapshot),
        results=results.to_document(),
        details=_details(results),
        positions=positions,
        flow_balance={
            cycle: _balance_document(balance)
            for cycle, balance in district_flow_balance(data).items()
        },
        library_version=ecodistrict.__version__,
        trigger=trigger,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    logger.info(
        "indicators of %r computed with %s (run %d)", district.name, set_version.label, run.pk
    )
    return run


def recompute_indicators(district: District, user: Any) -> IndicatorRun:
    """A new run of ``district`` with the current set ("Ricalcola indicatori")."""
    return compute_and_store(district, ensure_default_indicator_set(), user)


def compute_after_import(district: District) -> tuple[IndicatorRun | None, str]:
    """The run made after each district import, with the current set: ``(run, "")``, or
    ``(None, reason)`` when the indicators could not be computed. The import itself stands
    either way (its data are valid); the failure is logged and shown, and staff can recompute."""
    try:
        with transaction.atomic():
            run = compute_and_store(
                district, ensure_default_indicator_set(), None, trigger=RunTrigger.IMPORT
            )
    except Exception as exc:  # the import must not be lost to a failure of the computation
        logger.exception("indicators of %r not computed after the import", district.name)
        return None, str(exc) or exc.__class__.__name__
    return run, ""


#: Fields of a peer standing that repeat what the position already says: the group's label (the
#: position's ``division_label``, or all firms), the firm's value (in ``values``) and the English
#: text of the reason (it follows from ``n_peers``, ``min_peers`` and the value's own reason).
REPEATED_STANDING_FIELDS = ("group_label", "value", "reason")


def _compact_positions(positions: dict[str, Any]) -> dict[str, Any]:
    """The library's position documents without repetition, so that a run of many firms stays
    small: each published reference value once, under ``references`` by id (comparisons name it
    by ``reference_id``), and peer standings without ``REPEATED_STANDING_FIELDS``."""
    catalogue: dict[str, Any] = {}
    documents = [*positions["companies"].values(), positions["district"]]
    for document in documents:
        for comparison in document.get("references", []):
            reference = comparison.pop("reference")
            catalogue[reference["id"]] = reference
            comparison["reference_id"] = reference["id"]
        for standing in document.get("peers", []):
            for name in REPEATED_STANDING_FIELDS:
                standing.pop(name, None)
    positions["references"] = catalogue
    return positions


def _value_document(value: Any) -> dict[str, Any]:
    return {
        "value": value.value,
        "reason": value.reason,
        "numerator": value.numerator,
        "denominator": value.denominator,
    }


def _details(results: Any) -> dict[str, Any]:
    return {
        "companies": {
            company_id: {key: _value_document(value) for key, value in values.items()}
            for company_id, values in results.companies.items()
        },
        "district": {key: _value_document(value) for key, value in results.district.items()},
    }


def _balance_document(balance: Any) -> dict[str, Any]:
    return {
        "cycle": balance.cycle,
        "unit": balance.unit,
        "from_outside": balance.from_outside,
        "inside": balance.inside,
        "to_outside": balance.to_outside,
        "internal": balance.internal,
        "exchanges": [
            {"supplier": supplier, "receiver": receiver, "quantity": quantity}
            for supplier, receiver, quantity in balance.exchanges
        ],
    }
