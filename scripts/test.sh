#!/usr/bin/env bash
# Set everything up and run the whole test suite: unit, web, browser (Debian's Chromium).
# Against PostgreSQL: TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
fc-list 2>/dev/null | grep -qi dejavu || need_apt+=(fonts-dejavu-core)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need_apt+=(nginx-light)
command -v java >/dev/null 2>&1 || need_apt+=(default-jre-headless)
command -v npm >/dev/null 2>&1 || need_apt+=(npm)
command -v pg_dump >/dev/null 2>&1 || need_apt+=(postgresql-client)
command -v openssl >/dev/null 2>&1 || need_apt+=(openssl)
# The spell check of the Dutch and English text (tests/unit/test_spelling.py).
command -v hunspell >/dev/null 2>&1 || need_apt+=(hunspell)
[ -f /usr/share/hunspell/nl.dic ] || need_apt+=(hunspell-nl)
[ -f /usr/share/hunspell/en_US.dic ] || need_apt+=(hunspell-en-us)
command -v zbarimg >/dev/null 2>&1 || need_apt+=(zbar-tools)
if [ ${#need_apt[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'

# The Nu HTML Checker (vnu-jar, run with the system Java); its install script would fetch a Java.
[ -f node_modules/vnu-jar/build/dist/vnu.jar ] || npm ci --ignore-scripts --no-audit --no-fund --silent

.venv/bin/ruff check .
exec .venv/bin/python -m pytest "$@"
