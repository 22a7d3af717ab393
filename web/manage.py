#!/usr/bin/env python
"""Django's command-line utility for the ecodistrict web platform.

Works installed (``pip install -e .`` maps this folder to the package ``ecodistrict_web``) and
straight from a checkout: if ``ecodistrict_web`` cannot be imported, this folder is registered
under that name and the repository's ``src/`` is put on ``sys.path`` for the library.
"""

import importlib.util
import os
import sys
from pathlib import Path


def _make_importable() -> None:
    web_dir = Path(__file__).resolve().parent
    src_dir = web_dir.parent / "src"
    if importlib.util.find_spec("ecodistrict") is None and src_dir.is_dir():
        sys.path.insert(0, str(src_dir))
    if importlib.util.find_spec("ecodistrict_web") is None:
        spec = importlib.util.spec_from_file_location(
            "ecodistrict_web",
            web_dir / "__init__.py",
            submodule_search_locations=[str(web_dir)],
        )
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["ecodistrict_web"] = module
        spec.loader.exec_module(module)


def main() -> None:
    # This folder itself must not shadow top-level names (e.g. config) when run as a script.
    here = str(Path(__file__).resolve().parent)
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(here)]
    _make_importable()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecodistrict_web.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
