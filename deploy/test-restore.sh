#!/usr/bin/env bash
# Prove that backups restore: fill the database at DATABASE_URL with the demo data (migrate,
# seed_demo), dump it with deploy/backup.sh, restore the dump into a new database with
# deploy/restore.sh, compare every table's row count, and run check_integrity on the copy.
# Exits non-zero on any difference or finding. Run by .ci/run after the PostgreSQL pass.
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/sportevents deploy/test-restore.sh
set -euo pipefail
cd "$(dirname "$0")/.."

source_url="${DATABASE_URL:?Set DATABASE_URL to the PostgreSQL database to back up}"
server="${source_url%/*}"  # postgres://user@host:port
copy="sportevents_restore_check_$$"
copy_url="$server/$copy"
work=$(mktemp -d)
export DEBUG="${DEBUG:-1}" CELERY_TASK_ALWAYS_EAGER=1

cleanup() {
  psql "$server/postgres" -qc "DROP DATABASE IF EXISTS $copy" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "== migrate and seed the demo data =="
.venv/bin/python manage.py migrate --noinput >/dev/null
.venv/bin/python manage.py seed_demo >/dev/null

echo "== back up =="
dump=$(deploy/backup.sh "$source_url" "$work")
ls -l "$dump"

echo "== restore into $copy =="
psql "$server/postgres" -qc "CREATE DATABASE $copy"
deploy/restore.sh "$dump" "$copy_url"

echo "== compare row counts =="
count_rows() {
  psql "$1" -tA <<'SQL'
SELECT 'SELECT * FROM ('
       || string_agg(format('SELECT %L AS t, count(*) AS n FROM %I', tablename, tablename),
                     ' UNION ALL ')
       || ') AS counts ORDER BY t'
FROM pg_tables WHERE schemaname = 'public' \gexec
SQL
}
count_rows "$source_url" >"$work/source.txt"
count_rows "$copy_url" >"$work/copy.txt"
if ! diff "$work/source.txt" "$work/copy.txt"; then
  echo "The restored database differs from the original (above)." >&2
  exit 1
fi
echo "$(wc -l <"$work/copy.txt") tables, $(awk -F'|' '{s += $2} END {print s}' "$work/copy.txt") rows, the same in both"

echo "== check_integrity on the restored copy =="
DATABASE_URL="$copy_url" .venv/bin/python manage.py check_integrity
