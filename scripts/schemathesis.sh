#!/usr/bin/env bash
# Schemathesis over /api/v1/schema/ against a live gunicorn, as anonymous, reviewer and editor
# (docs/api.md "Fuzzing"). Only server errors fail the run: the in-suite test (tests/test_api_schema.py)
# checks conformance on a bounded number of cases.
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/fc_fuzz REDIS_URL=redis://127.0.0.1:6379/9 \
#     scripts/schemathesis.sh [MAX_SECONDS_PER_ROLE (default 120)]
#
# The database named by DATABASE_URL is dropped and created again: never point it at real data.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
MAX_TIME=${1:-120}
: "${DATABASE_URL:?set DATABASE_URL to a scratch PostgreSQL database}"
export DEBUG=false SECURE_SSL=false SECRET_KEY=${SECRET_KEY:-fuzz-$RANDOM$RANDOM$RANDOM$RANDOM}
export DJANGO_SETTINGS_MODULE=factcheck.settings ALLOWED_HOSTS=127.0.0.1,localhost
export API_THROTTLE_ANON=100000/min API_THROTTLE_USER=100000/min API_THROTTLE_EXPORT=100000/min
export FACTCHECK_DATA_DIR=${FACTCHECK_DATA_DIR:-$(mktemp -d)}

db=${DATABASE_URL##*/}
server=${DATABASE_URL%/*}
psql "$server/postgres" -qc "DROP DATABASE IF EXISTS \"$db\"" -c "CREATE DATABASE \"$db\""
$PY manage.py migrate --noinput -v0
read -r reviewer editor < <($PY manage.py shell -c "exec(open('scripts/schemathesis_seed.py').read())" | tail -1)

port=$($PY -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
GUNICORN_BIND=127.0.0.1:$port WEB_CONCURRENCY=${WEB_CONCURRENCY:-2} \
  .venv/bin/gunicorn factcheck.wsgi:application -c python:factcheck.gunicorn_conf &
gunicorn_pid=$!
trap 'kill $gunicorn_pid' EXIT

status=0
for role in anonymous reviewer editor; do
  auth=()
  [ "$role" = reviewer ] && auth=(-H "Authorization: Token $reviewer")
  [ "$role" = editor ] && auth=(-H "Authorization: Token $editor")
  echo "=== $role"
  .venv/bin/schemathesis run "http://127.0.0.1:$port/api/v1/schema/?format=json" \
    --wait-for-schema 30 --checks not_a_server_error --max-time "$MAX_TIME" \
    --generation-allow-x00 true --suppress-health-check all --no-shrink "${auth[@]}" || status=1
done
exit $status
