#!/usr/bin/env bash
# The whole suite on SQLite, then on PostgreSQL.   scripts/run-tests.sh [sqlite|postgres]
set -uo pipefail
cd "$(dirname "$0")/.."
which=${1:-both}
# In parallel, one worker per core (pytest-xdist); every worker has its own test database.
workers=${PYTEST_WORKERS:-auto}
export GOLDENTHREAD_VAR=${GOLDENTHREAD_VAR:-$(mktemp -d /tmp/goldenthread-test.XXXXXX)}
status=0
if [ "$which" = both ] || [ "$which" = sqlite ]; then
  echo "== Test suite on SQLite"
  DATABASE_URL="sqlite:///$GOLDENTHREAD_VAR/test.sqlite3" .venv/bin/python -m pytest -p no:cacheprovider -n "$workers" || status=1
fi
if [ "$which" = both ] || [ "$which" = postgres ]; then
  echo "== Test suite on PostgreSQL"
  scripts/with-postgres.sh .venv/bin/python -m pytest -p no:cacheprovider -n "$workers" || status=1
fi
exit $status
