#!/usr/bin/env bash
# Set everything up and run Code 1-2-3 at http://127.0.0.1:5000 on SQLite, with demo data.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e .

export FLASK_APP=wsgi
# Links in mails and QR codes are built from BASE_URL; on the laptop, this address.
export BASE_URL="${BASE_URL:-http://127.0.0.1:${PORT:-5000}}"
.venv/bin/flask translate compile >/dev/null
.venv/bin/flask db-upgrade
.venv/bin/flask demo
# The outbox's sender beside the app (without MAIL_SERVER it writes each mail to the log).
.venv/bin/flask send-mail --loop &
sender=$!
trap 'kill "$sender" 2>/dev/null' EXIT
.venv/bin/flask run --host 127.0.0.1 --port "${PORT:-5000}"
