"""Who may do what with assessments (see accounts/permissions.py). Which rows a user reaches is
decided by ``restrict()`` (models.AssessmentQuerySet)."""

from __future__ import annotations

from typing import Any

from ecodistrict_web.accounts.permissions import reads_across_firms


def can_review_assessments(user: Any) -> bool:
    """Validate or send back a submitted version: municipality staff, and facilitators on the
    assessments staff granted them (``restrict`` narrows which)."""
    return reads_across_firms(user)
