"""Signals of the companies app.

``district_imported`` is sent inside the import's transaction, after a district file has been
stored (``services.import_district``), with ``district`` and ``replaced`` (true when it replaced
a district of the same name). Apps that keep rows tied to a district by name and company id
(scenarios, commitments) reattach them to the new rows here, so the companies app does not
depend on them.
"""

from __future__ import annotations

from django.dispatch import Signal

district_imported = Signal()
