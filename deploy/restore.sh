#!/usr/bin/env bash
# Restore a dump made by deploy/backup.sh into a fresh, empty database.
#
#   createdb -h HOST -U USER sportevents_restored
#   deploy/restore.sh FILE.dump postgres://USER@HOST:5432/sportevents_restored
#   DATABASE_URL=postgres://USER@HOST:5432/sportevents_restored manage.py check_integrity
#
# Then point the app's DATABASE_URL at the restored database (or rename it into place). The
# restore runs in one transaction: it succeeds whole or leaves the database empty. It refuses a
# database that already has tables, so it cannot mix a backup into live data.
set -euo pipefail

dump="${1:?Pass the dump file}"
url="${2:?Pass the URL of the fresh database to restore into}"

tables=$(psql "$url" -tAc \
  "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
if [ "$tables" != "0" ]; then
  echo "Refusing to restore: the target database already has $tables tables." >&2
  exit 1
fi
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --dbname="$url" "$dump"
echo "Restored $dump"
