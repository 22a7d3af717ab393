"""The single gate for every queryset a user can reach (after NetBox's RestrictedQuerySet).

A model whose rows belong to companies uses ``RestrictedQuerySet.as_manager()`` and names, in
``own_rows_lookup``, the path from its rows to ``Company``. ``restrict(user, action)`` then
returns all rows, the rows of the user's own companies, the rows of the districts and companies
staff granted the user (facilitators), or none, as ``accounts.permissions.scope_for`` decides.
Views and selectors never filter by role themselves.
"""

from __future__ import annotations

from typing import Any, ClassVar, Self

from django.apps import apps
from django.db import models

from ecodistrict_web.accounts.permissions import VIEW, Scope, scope_for


def company_ids_in_scope(user: Any, scope: Scope) -> models.QuerySet:
    """The primary keys of the companies an OWN or GRANTED scope opens, as a subquery.

    OWN: the companies the user is a member of. GRANTED: the companies granted one by one plus
    every company of a granted district.
    """
    company_model = apps.get_model("companies", "Company")
    if scope is Scope.OWN:
        rows = company_model._default_manager.filter(memberships__user=user)
    elif scope is Scope.GRANTED:
        rows = company_model._default_manager.filter(
            models.Q(facilitator_grants__user=user)
            | models.Q(district__facilitator_grants__user=user)
        )
    else:
        rows = company_model._default_manager.none()
    return rows.values("pk")


def district_ids_granted(user: Any) -> models.QuerySet:
    """The primary keys of the districts granted whole to the user, as a subquery."""
    grant_model = apps.get_model("accounts", "FacilitatorGrant")
    return grant_model._default_manager.filter(user=user, district__isnull=False).values(
        "district_id"
    )


class RestrictedQuerySet(models.QuerySet):
    #: Lookup from this model to companies.Company ("" for Company itself, "company" for Flow,
    #: "companies" for District, ...). Subclasses set it.
    own_rows_lookup: ClassVar[str | None] = None
    #: For rows about a whole district (the district itself, its indicator and matching runs,
    #: which hold every firm's data): the lookup from this model to District ("" for District).
    #: A facilitator reaches them only through a grant of the whole district; a grant of one
    #: company does not open the data of the other firms of its district.
    district_lookup: ClassVar[str | None] = None

    def restrict(self, user: Any, action: str = VIEW) -> Self:
        """Only the rows ``user`` may ``action``."""
        scope = scope_for(user, action)
        if scope is Scope.ALL:
            return self
        if scope is Scope.GRANTED and self.district_lookup is not None:
            key = f"{self.district_lookup}__pk__in" if self.district_lookup else "pk__in"
            return self.filter(**{key: district_ids_granted(user)})
        if scope in (Scope.OWN, Scope.GRANTED) and self.own_rows_lookup is not None:
            prefix = f"{self.own_rows_lookup}__" if self.own_rows_lookup else ""
            # A subquery on the primary key, so a row reached through several memberships
            # appears once.
            own = self.model._default_manager.filter(
                **{f"{prefix}pk__in": company_ids_in_scope(user, scope)}
            )
            return self.filter(pk__in=own.values("pk"))
        return self.none()
