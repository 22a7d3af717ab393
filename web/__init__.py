"""The ecodistrict web platform (Django), installed as the package ``ecodistrict_web``.

Where things go (every domain app has the same files):

- ``config/``: settings (environment-driven), URLs, WSGI.
- ``core/``: plumbing shared by the apps (scoping gate, admin site, layout, home page).
- ``accounts/``, ``companies/``: one app per domain, each with ``models.py``, ``services.py``
  (the only writers), ``selectors.py`` (reads, always through ``restrict(user, action)``),
  ``permissions.py`` (the rules), ``forms.py``, ``views.py`` (thin), ``admin.py``, ``urls.py``,
  ``templates/<app>/``, ``tests/``.
- ``commands.py``: what the ``ecodistrict`` CLI calls (serve, import, demo).
- ``static/vendor/``: vendored front-end files; ``locale/``: translations (msgids in English).

The library ``ecodistrict`` never imports this package; this package calls the library.
"""
