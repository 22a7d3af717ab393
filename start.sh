#!/usr/bin/env bash
# Quick start: set up .venv, install, migrate, load the demo district and serve the platform at
# http://127.0.0.1:8000 (SQLite in ./var unless DATABASE_URL says otherwise).
set -euo pipefail
cd "$(dirname "$0")"
source scripts/setup-env.sh
exec ecodistrict serve --demo "$@"
