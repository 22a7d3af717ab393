"""The audit history of a company's declared data (company, sites, flows), shaped for the page.

django-simple-history keeps a row per change; each change is compared with the previous row of
the same object (``diff_against``) to say which fields changed, from what, to what.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from ecodistrict_web.accounts.permissions import CHANGE, Scope, scope_for
from ecodistrict_web.companies.models import Company, Flow, Site

#: At most this many changes are shown, newest first.
HISTORY_LIMIT = 300


def can_view_history(user: Any) -> bool:
    """The audit history of a firm's declared data: municipality staff."""
    return scope_for(user, CHANGE) is Scope.ALL


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime
    who: str
    kind: str  # "created", "changed", "deleted"
    kind_label: str
    what: str  # "company", "site", "flow"
    what_label: str
    object_label: str
    reason: str
    changes: list[FieldChange]


@dataclass(frozen=True)
class CompanyHistory:
    company: Company
    entries: list[HistoryEntry]


KIND_LABELS = {"+": "created", "~": "changed", "-": "deleted"}


def _text(value: Any) -> str:
    return "–" if value is None or value == "" else str(value)


def _entries(records: list[Any], what: str, what_label: str) -> list[HistoryEntry]:
    """Entries of one model's history rows (all objects), each diffed against the previous row of
    the same object."""
    previous: dict[Any, Any] = {}
    entries = []
    for record in sorted(records, key=lambda r: (r.history_date, r.history_id)):
        before = previous.get(record.id)
        changes: list[FieldChange] = []
        if before is not None and record.history_type == "~":
            delta = record.diff_against(before)
            changes = [
                FieldChange(change.field, _text(change.old), _text(change.new))
                for change in delta.changes
            ]
        previous[record.id] = record
        kind = KIND_LABELS.get(record.history_type, "changed")
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=record.history_user.get_username() if record.history_user else "",
                kind=kind,
                kind_label={
                    "created": _("created"),
                    "changed": _("changed"),
                    "deleted": _("deleted"),
                }[kind],
                what=what,
                what_label=what_label,
                object_label=getattr(record, "slug", "") or getattr(record, "name", "") or "",
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
    return entries


def company_history(user: Any, pk: int) -> CompanyHistory | None:
    """Every recorded change of a company, its sites and its flows (newest first); None when the
    user may not see it."""
    if not can_view_history(user):
        return None
    company = Company.objects.restrict(user, CHANGE).filter(pk=pk).first()
    if company is None:
        return None
    entries = [
        *_entries(
            list(Company.history.filter(id=pk).select_related("history_user")),
            "company",
            _("company"),
        ),
        *_entries(
            list(Site.history.filter(company_id=pk).select_related("history_user")),
            "site",
            _("site"),
        ),
        *_entries(
            list(Flow.history.filter(company_id=pk).select_related("history_user")),
            "flow",
            _("flow"),
        ),
    ]
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return CompanyHistory(company=company, entries=entries[:HISTORY_LIMIT])
