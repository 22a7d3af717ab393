"""Writes on calls, lots and selection runs: the only code that creates or changes them.

A call or lots file is validated by the library (``parse_call``, ``parse_lots`` and, for a call,
``check_call_against`` the district) before anything is stored; every problem names the field.
A run is queued with a snapshot of everything it will read, then executed by ``execute_run``:
in a thread right after the request (setting ``ECODISTRICT_TASKS_INLINE``) or by the worker
command ``manage.py run_selection_worker``. The library computes on the snapshot itself, so
what is stored is what was read; a ``SelectionError`` of the library ends the run ``failed``
with its explanation, any other error ends it ``failed`` with a short message (the traceback
goes to the log, never to the page). Progress messages are stored as English msgids
(``gettext_noop``) and translated when shown, as a worker has no page language.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.resources import files
from typing import Any

from django.conf import settings
from django.db import OperationalError, close_old_connections, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from pydantic import ValidationError

import ecodistrict
from ecodistrict.domain.models import DistrictFile
from ecodistrict.domain.problems import DistrictFileError
from ecodistrict.indicators import IndicatorSet, parse_indicator_set
from ecodistrict.io.district_file import guess_format, parse_district_text
from ecodistrict.matching import match_district
from ecodistrict.optimize.lots import LotsFile, parse_lots
from ecodistrict.optimize.network import optimise_district_network
from ecodistrict.optimize.scenario import scenario_document, settlement_problem
from ecodistrict.optimize.settlement import settle
from ecodistrict.selection import CallFile, SelectionError, assess_call, parse_call
from ecodistrict.selection.eligibility import check_call_against
from ecodistrict_web.companies import selectors as company_selectors
from ecodistrict_web.companies.models import District
from ecodistrict_web.core.models import canonical_sha256
from ecodistrict_web.core.persistence import save_when_free, when_free
from ecodistrict_web.indicators import services as indicator_services
from ecodistrict_web.indicators.models import IndicatorSetVersion
from ecodistrict_web.selection.models import (
    CallVersion,
    InputFileVersion,
    LotsVersion,
    RunKind,
    RunStatus,
    SelectionRun,
)
from ecodistrict_web.selection.selectors import PlatformApplicant, platform_applicants

logger = logging.getLogger(__name__)

#: The largest call or lots file accepted (characters).
MAX_FILE_CHARS = 1_000_000
#: Bounds of the run parameters (also enforced by the form).
MAX_TIME_LIMIT_S = 300.0
DEFAULT_TIME_LIMIT_S = 30.0
DEFAULT_TOP_K = 10
OBJECTIVES = ("closure", "co2")
METHODS = ("weighted-sum", "topsis", "promethee")

DEMO_CALL = "data/demo/formigine-call.yaml"
DEMO_LOTS = "data/demo/formigine-lots.yaml"


@dataclass(frozen=True)
class VersionResult:
    """What saving a call or lots file did, or why it stored nothing (``problems``)."""

    ok: bool
    problems: list[str] = field(default_factory=list)
    version: InputFileVersion | None = None
    new_version: bool = False


class RunRefused(Exception):
    """A run that cannot be queued (missing input); the message says why."""


# --- reading the files ---------------------------------------------------------------------------


def _plain_data(text: str) -> Any:
    if len(text) > MAX_FILE_CHARS:
        raise SelectionError([_("The text is longer than 1,000,000 characters.")])
    if not text.strip():
        raise SelectionError([_("The text is empty.")])
    try:
        return parse_district_text(text, guess_format(None, text))
    except DistrictFileError as exc:
        raise SelectionError([str(problem) for problem in exc.problems]) from None


def parse_call_text(text: str) -> CallFile:
    """The call file in ``text``; SelectionError naming the field of every problem."""
    return parse_call(_plain_data(text))


def parse_lots_text(text: str) -> LotsFile:
    """The lots file in ``text``; SelectionError naming the field of every problem."""
    return parse_lots(_plain_data(text))


def indicator_set_for(call: CallFile) -> tuple[IndicatorSetVersion, IndicatorSet]:
    """The published indicator set the call names (its newest published version).

    The web never reads a set from a path on the server: ``call.indicator_set`` must be the key
    of a published set (the shipped one is registered on first use).
    """
    indicator_services.ensure_default_indicator_set()
    key = call.call.indicator_set
    row = (
        IndicatorSetVersion.objects.filter(key=key, published=True)
        .order_by("-published_at", "-pk")
        .first()
    )
    if row is None:
        published = sorted(
            set(IndicatorSetVersion.objects.filter(published=True).values_list("key", flat=True))
        )
        raise SelectionError(
            [
                _(
                    "field 'call.indicator_set': '%(key)s' is not a published indicator set "
                    "(published: %(published)s)"
                )
                % {"key": key, "published": ", ".join(published) or "—"}
            ]
        )
    return row, parse_indicator_set(row.yaml_text)


def stored_district_file(district: District) -> DistrictFile:
    """The stored district as a district file; SelectionError if rows edited by hand broke a
    rule of the format."""
    try:
        return company_selectors.district_file(district)
    except ValidationError as exc:
        raise SelectionError(
            [
                _("The district's stored data break a rule of the format (%(error)s).")
                % {"error": "; ".join(str(error.get("msg", "")) for error in exc.errors()[:3])}
            ]
        ) from None


def district_with_applicants(
    district: District, applicants: list[PlatformApplicant] | None = None
) -> DistrictFile:
    """The stored district plus the companies of its platform applicants (their submitted
    assessment), so that a call can list them by id and rank them with the firms present.
    `applicants`: the district's platform applicants when the caller has read them already."""
    stored = stored_district_file(district)
    data = stored.model_dump(mode="json", exclude_none=True)
    present = {company["id"] for company in data["companies"]}
    if applicants is None:
        applicants = platform_applicants(district)
    added = [a.company for a in applicants if a.key not in present]
    if not added:
        return stored
    data["companies"] = [*data["companies"], *added]
    try:
        return DistrictFile.model_validate(data)
    except ValidationError as exc:
        raise SelectionError(
            [
                _("A submitted assessment breaks a rule of the format (%(error)s).")
                % {"error": "; ".join(str(error.get("msg", "")) for error in exc.errors()[:3])}
            ]
        ) from None


def _validated_from_reviews(call_data: dict[str, Any], applicants: list[PlatformApplicant]) -> None:
    """An applicant of the platform is 'assessment validated' as its latest version's review
    says, whatever the call file typed: the requirement reads the platform's own record."""
    reviews = {a.key: a.validated for a in applicants}
    for applicant in call_data.get("applicants", []):
        if applicant.get("company") in reviews:
            applicant["assessment_validated"] = reviews[applicant["company"]]


def check_call_for_district(call: CallFile, district: District) -> None:
    """The call's applicants are companies of the district (or platform applicants) and its
    indicators are known."""
    _version, indicator_set = indicator_set_for(call)
    check_call_against(call, district_with_applicants(district), indicator_set)


# --- call and lots versions ----------------------------------------------------------------------


def _next_number(model: type[InputFileVersion], district: District) -> int:
    top = model.objects.filter(district_name=district.name).aggregate(top=Max("number"))["top"]
    return (top or 0) + 1


def _save_version(
    model: type[InputFileVersion],
    district: District,
    text: str,
    user: Any,
    edit: InputFileVersion | None,
    parsed_names: tuple[str, str, str],
) -> VersionResult:
    file_id, name_it, name_en = parsed_names
    with transaction.atomic():
        row: InputFileVersion
        new_version = edit is None or edit.used_by_run()
        if new_version:
            row = model(
                district=district,
                district_name=district.name,
                number=_next_number(model, district),
                created_by=user if getattr(user, "is_authenticated", False) else None,
            )
        else:
            assert edit is not None
            row = model.objects.select_for_update().get(pk=edit.pk)
        row.text = text
        row.text_sha256 = canonical_sha256(text)
        row.file_id = file_id
        row.name_it = name_it
        row.name_en = name_en
        row.save()
    logger.info("%s %s of %r saved", model.__name__, row, district.name)
    return VersionResult(ok=True, version=row, new_version=new_version)


def save_call_version(
    district: District, text: str, user: Any, *, edit: CallVersion | None = None
) -> VersionResult:
    """Store a call file for ``district`` (a new version, or ``edit`` in place while no run used
    it), after the library's checks; or store nothing and return every problem."""
    try:
        call = parse_call_text(text)
        check_call_for_district(call, district)
    except SelectionError as exc:
        return VersionResult(ok=False, problems=list(exc.problems))
    return _save_version(
        CallVersion,
        district,
        text,
        user,
        edit,
        (call.call.id, call.call.name_it, call.call.name_en),
    )


def save_lots_version(
    district: District, text: str, user: Any, *, edit: LotsVersion | None = None
) -> VersionResult:
    """Store a lots file for ``district`` (as ``save_call_version``)."""
    try:
        lots = parse_lots_text(text)
    except SelectionError as exc:
        return VersionResult(ok=False, problems=list(exc.problems))
    area = lots.area
    return _save_version(
        LotsVersion, district, text, user, edit, ("lots", area.name_it, area.name_en)
    )


def load_demo_inputs(district: District) -> None:
    """The demo call and lots files for the demo district (``ecodistrict serve --demo``), once."""
    if CallVersion.objects.filter(district=district).exists():
        return
    root = files("ecodistrict")
    for save, path in ((save_call_version, DEMO_CALL), (save_lots_version, DEMO_LOTS)):
        result = save(district, (root / path).read_text("utf-8"), None)
        if not result.ok:
            raise ValueError(f"the demo file {path} is invalid: " + "; ".join(result.problems))


# --- runs ----------------------------------------------------------------------------------------


def queue_run(
    district: District,
    kind: str,
    user: Any,
    *,
    call_version: CallVersion | None = None,
    lots_version: LotsVersion | None = None,
    parameters: dict[str, Any] | None = None,
    name: str = "",
) -> SelectionRun:
    """Queue a run of ``kind`` with a snapshot of its inputs; start it in a thread when
    ``ECODISTRICT_TASKS_INLINE`` is true (after the transaction commits).

    Raises ``RunRefused`` when an input the kind needs is missing or no longer valid.
    """
    if kind not in RunKind.values:
        raise RunRefused(_("Unknown kind of run."))
    if kind in (RunKind.RANK, RunKind.SETTLE) and call_version is None:
        raise RunRefused(_("Choose a call: the ranking and the settlement need one."))
    if kind == RunKind.SETTLE and lots_version is None:
        raise RunRefused(_("Choose a lots file: the settlement needs one."))
    parameters = dict(parameters or {})
    try:
        applicants = platform_applicants(district)  # read once: district and call
        district_data = district_with_applicants(district, applicants).model_dump(
            mode="json", exclude_none=True
        )
        snapshot: dict[str, Any] = {"district": district_data}
        if call_version is not None and kind != RunKind.OPTIMIZE:
            call = parse_call_text(call_version.text)
            set_version, _set = indicator_set_for(call)
            snapshot["call"] = call.model_dump(mode="json")
            _validated_from_reviews(snapshot["call"], applicants)
            snapshot["indicator_set"] = {
                "label": set_version.label,
                "yaml_sha256": set_version.yaml_sha256,
                "yaml": set_version.yaml_text,
            }
        if lots_version is not None and kind == RunKind.SETTLE:
            snapshot["lots"] = parse_lots_text(lots_version.text).model_dump(mode="json")
    except SelectionError as exc:
        raise RunRefused("; ".join(exc.problems)) from None
    with transaction.atomic():
        run = SelectionRun.objects.create(
            kind=kind,
            district=district,
            district_name=district.name,
            call_version=call_version if kind != RunKind.OPTIMIZE else None,
            lots_version=lots_version if kind == RunKind.SETTLE else None,
            name=name[:100],
            parameters=parameters,
            input_snapshot=snapshot,
            input_sha256=canonical_sha256(snapshot),
            library_version=ecodistrict.__version__,
            created_by=user if getattr(user, "is_authenticated", False) else None,
            progress_message=gettext_noop("Waiting to start."),
        )
        if settings.ECODISTRICT_TASKS_INLINE:
            transaction.on_commit(lambda: start_in_thread(run.pk))
    logger.info("selection run %d (%s) of %r queued", run.pk, kind, district.name)
    return run


def start_in_thread(run_pk: int) -> threading.Thread:
    """Execute a run in a daemon thread of this process (development and small sites)."""

    def target() -> None:
        try:
            execute_run(run_pk)
        finally:
            connection.close()  # this thread's own database connection

    thread = threading.Thread(target=target, name=f"selection-run-{run_pk}", daemon=True)
    thread.start()
    return thread


def _claim(run_pk: int) -> bool:
    """Move a queued run to running; False when another worker took it first."""
    claimed = when_free(  # a page holding the SQLite table is waited for
        lambda: SelectionRun.objects.filter(pk=run_pk, status=RunStatus.QUEUED).update(
            status=RunStatus.RUNNING,
            started_at=timezone.now(),
            progress=1,
            progress_message=gettext_noop("Started."),
        )
    )
    return claimed == 1


def _progress(run_pk: int, percent: int, message: str) -> None:
    # Progress is information for the page, not part of the result: a write that finds the
    # table busy (SQLite, a page reading the status at that moment) is skipped, not fatal.
    try:
        SelectionRun.objects.filter(pk=run_pk, status=RunStatus.RUNNING).update(
            progress=percent, progress_message=message[:300]
        )
    except OperationalError:
        logger.info("selection run %d: progress %d%% not recorded (database busy)", run_pk, percent)




def execute_run(run_pk: int) -> SelectionRun | None:
    """Compute a queued run from its snapshot and store its result or its error, once.

    Returns the finished run, or None when the run was not queued (already taken).
    """
    if not _claim(run_pk):
        return None
    run = SelectionRun.objects.get(pk=run_pk)
    started = time.perf_counter()
    result: dict[str, Any] | None = None
    error = ""
    try:
        result = compute(run.kind, run.input_snapshot, run.parameters, run.name, run_pk)
    except SelectionError as exc:
        error = "\n".join(exc.problems)
    except Exception:  # a bug or a solver crash must end the run, not leave it running
        logger.exception("selection run %d failed", run_pk)
        error = gettext_noop(
            "The computation stopped on an unexpected error; the administrators can read the "
            "details in the log."
        )
    run.duration_s = round(time.perf_counter() - started, 3)
    run.finished_at = timezone.now()
    if result is not None:
        run.status = RunStatus.DONE
        run.result = result
        run.progress = 100
        run.progress_message = gettext_noop("Done.")
    else:
        run.status = RunStatus.FAILED
        run.error = error
        run.progress_message = gettext_noop("Failed.")
    save_when_free(run)  # a busy SQLite table is waited for: the result is never dropped
    logger.info("selection run %d %s in %.2f s", run_pk, run.status, run.duration_s)
    return run


def compute(
    kind: str,
    snapshot: dict[str, Any],
    parameters: dict[str, Any],
    name: str,
    run_pk: int | None = None,
) -> dict[str, Any]:
    """The library's result document for a run's snapshot (the library does the work)."""

    def report(percent: int, message: str) -> None:
        if run_pk is not None:
            _progress(run_pk, percent, message)

    district = DistrictFile.model_validate(snapshot["district"])
    if kind == RunKind.OPTIMIZE:
        report(10, gettext_noop("Finding the candidate exchanges (matching)."))
        matches = match_district(district, top_k=int(parameters.get("top_k") or DEFAULT_TOP_K))
        report(50, gettext_noop("Solving the exchange network (HiGHS)."))
        solution = optimise_district_network(
            district,
            matches.matches,
            objective=str(parameters.get("objective") or "closure"),
            max_distance_km=parameters.get("max_distance_km"),
            min_size=parameters.get("min_size"),
            time_limit_s=parameters.get("time_limit_s"),
        )
        return solution.to_document()
    call = parse_call(snapshot["call"])
    indicator_set = parse_indicator_set(snapshot["indicator_set"]["yaml"])
    report(10, gettext_noop("Computing the indicators and the matches, checking the requirements."))
    assessment = assess_call(
        district, call, method=parameters.get("method") or None, indicator_set=indicator_set
    )
    if kind == RunKind.RANK:
        return assessment.to_document()
    lots = parse_lots(snapshot["lots"])
    report(40, gettext_noop("Solving the settlement on the lots (CP-SAT)."))
    problem = settlement_problem(district, assessment, lots)
    solution = settle(
        problem, time_limit_s=float(parameters.get("time_limit_s") or DEFAULT_TIME_LIMIT_S)
    )
    report(
        80,
        gettext_noop("Computing the district's indicators and closure potential in this scenario."),
    )
    document = scenario_document(
        district, assessment, lots, solution, name=name or "scenario", with_network=True
    )
    document["ranking"] = assessment.to_document()
    return document


def run_queued(
    *, limit: int | None = None, on_run: Callable[[SelectionRun], None] | None = None
) -> int:
    """Execute the queued runs, oldest first (the worker command); returns how many ran."""
    done = 0
    while limit is None or done < limit:
        # A long-running worker drops a broken or expired connection between runs; never the
        # connection of an open transaction (a caller's, or a test's).
        if not connection.in_atomic_block:
            close_old_connections()
        pk = (
            SelectionRun.objects.filter(status=RunStatus.QUEUED)
            .order_by("created_at", "pk")
            .values_list("pk", flat=True)
            .first()
        )
        if pk is None:
            break
        run = execute_run(pk)
        if run is not None:
            done += 1
            if on_run is not None:
                on_run(run)
    return done
