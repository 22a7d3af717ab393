"""The single gate for every queryset a user can reach (after NetBox's RestrictedQuerySet).

A model whose rows belong to companies uses ``RestrictedQuerySet.as_manager()`` and names, in
``own_rows_lookup``, the path from its rows to ``Company``. ``restrict(user, action)`` then
returns all rows, the rows of the user's own companies, or none, as
``accounts.permissions.scope_for`` decides. Views and selectors never filter by role themselves.
"""

from __future__ import annotations

from typing import Any, ClassVar, Self

from django.db import models

from ecodistrict_web.accounts.permissions import VIEW, Scope, scope_for


class RestrictedQuerySet(models.QuerySet):
    #: Lookup from this model to companies.Company ("" for Company itself, "company" for Flow,
    #: "companies" for District, ...). Subclasses set it.
    own_rows_lookup: ClassVar[str | None] = None

    def restrict(self, user: Any, action: str = VIEW) -> Self:
        """Only the rows ``user`` may ``action``."""
        scope = scope_for(user, action)
        if scope is Scope.ALL:
            return self
        if scope is Scope.OWN and self.own_rows_lookup is not None:
            prefix = f"{self.own_rows_lookup}__" if self.own_rows_lookup else ""
            # A subquery on the primary key, so a row reached through several memberships
            # appears once.
            own = self.model._default_manager.filter(**{f"{prefix}memberships__user": user})
            return self.filter(pk__in=own.values("pk"))
        return self.none()
