#!/usr/bin/env bash
# Create .venv with Python 3.11 and install the project with pinned dependencies.
# Sourced by start.sh and test.sh; re-installs only when pyproject/setup/constraints change.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY="${PYTHON:-python3.11}"
command -v "$PY" >/dev/null 2>&1 || PY=python3
if ! "$PY" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
  echo "ecodistrict needs Python 3.11 (found: $("$PY" --version 2>&1)); set PYTHON=/path/to/python3.11" >&2
  exit 2
fi
VENV="$ROOT/.venv"
[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
# shellcheck disable=SC1091
source "$VENV/bin/activate"
STAMP="$VENV/.ecodistrict-installed"
WANT="$(cat "$ROOT/pyproject.toml" "$ROOT/setup.py" "$ROOT/requirements/constraints.txt" | sha256sum | cut -c1-16)"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$WANT" ] || ! python -c 'import ecodistrict_web' 2>/dev/null; then
  python -m pip install --quiet --disable-pip-version-check --upgrade "pip>=24"
  python -m pip install --quiet --disable-pip-version-check \
    -c "$ROOT/requirements/constraints.txt" -e "$ROOT[test]"
  echo "$WANT" > "$STAMP"
fi
# WeasyPrint (the PDF reports) needs Debian's Pango; install it on a bare machine when root.
if ! python -c 'import weasyprint' >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing Debian Pango for the PDF reports (WeasyPrint)..." >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 \
    libpangoft2-1.0-0 >/dev/null) || echo "could not install Pango: PDF reports will fail" >&2
fi
