"""The Italian catalogue is complete and its compiled .mo is in step with the .po."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "it" / "LC_MESSAGES"


def po_entries() -> dict[str, list[str]]:
    """msgid -> msgstr(s), read from the .po (plain format written by makemessages)."""
    entries: dict[str, list[str]] = {}
    for block in (LOCALE / "django.po").read_text(encoding="utf-8").split("\n\n"):
        parts: dict[str, str] = {}
        key = None
        for line in block.splitlines():
            match = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d\])?) (".*")$', line)
            if match:
                key = match.group(1)
                parts[key] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and key:
                parts[key] += ast.literal_eval(line)
        if parts.get("msgid"):
            entries[parts["msgid"]] = [
                v for k, v in sorted(parts.items()) if k.startswith("msgstr")
            ]
    return entries


def test_every_message_is_translated():
    entries = po_entries()
    assert len(entries) > 100
    untranslated = [msgid for msgid, msgstrs in entries.items() if not all(msgstrs)]
    assert untranslated == []
    assert "#, fuzzy" not in (LOCALE / "django.po").read_text(encoding="utf-8")


def test_compiled_catalogue_matches_the_po():
    with (LOCALE / "django.mo").open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    for msgid, msgstrs in po_entries().items():
        if len(msgstrs) == 1:
            assert catalogue.gettext(msgid) == msgstrs[0], msgid
    assert catalogue.gettext("Municipality of Formigine") == "Comune di Formigine"
