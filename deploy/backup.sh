#!/usr/bin/env bash
# Back up the sportevents database: one pg_dump file in custom format (compressed, restorable
# table by table with pg_restore), named by its UTC time.
#
#   deploy/backup.sh [DATABASE_URL] [BACKUP_DIR]     prints the file it wrote
#
# DATABASE_URL defaults to the environment's; BACKUP_DIR to $BACKUP_DIR or ./backups. Run it
# nightly from cron or a systemd timer and copy the file off the machine; keep as many as your
# retention rules allow (personal data in backups ages out with them).
set -euo pipefail

url="${1:-${DATABASE_URL:?Pass the database URL or set DATABASE_URL}}"
dir="${2:-${BACKUP_DIR:-./backups}}"
mkdir -p "$dir"
file="$dir/sportevents-$(date -u +%Y%m%dT%H%M%SZ).dump"

# Written under another name first: a cut-off dump never looks like a finished one.
pg_dump --format=custom --no-owner --no-privileges --file="$file.partial" "$url"
mv "$file.partial" "$file"
echo "$file"
