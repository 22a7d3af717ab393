"""Platform plumbing shared by the domain apps, not a domain itself.

- ``querysets.RestrictedQuerySet``: the one scoping gate, ``restrict(user, action)``.
- ``admin_site``: the Django admin, admitting users by role; ``RoleModelAdmin`` for every model.
- ``middleware.CookieLocaleMiddleware``: Italian unless the visitor chose English.
- ``views.home``, the base layout (``templates/core/base.html``) and the 403/404/500 pages.
- ``migrations/0001_cache_table``: the cache table used by login throttling.
"""
