#!/usr/bin/env bash
# The whole test suite: lint, types, library and web tests, browser test in headless chromium.
# Extra arguments go to pytest (e.g. ./test.sh -k district -x).
set -euo pipefail
cd "$(dirname "$0")"
source scripts/setup-env.sh
# The browser test drives Debian's chromium; install it when we can (root + apt), else it skips.
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing Debian chromium for the browser test..." >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
    || echo "could not install chromium: the browser test will be skipped" >&2
fi
# The report tests render PDF pages to PNG with poppler's pdftoppm; they skip without it.
if ! command -v pdftoppm >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing Debian poppler-utils for the PDF tests..." >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null) \
    || echo "could not install poppler-utils: the PDF page-rendering tests will be skipped" >&2
fi
ruff check .
mypy

python -m pytest "$@"
