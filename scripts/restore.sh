#!/usr/bin/env bash
# Restore a Renja backup made by scripts/backup.sh: the database into a target PostgreSQL database, and the media
# files into a media folder.
#
# Usage:   scripts/restore.sh BACKUP_FOLDER TARGET_DATABASE_URL [TARGET_MEDIA_ROOT]
#   BACKUP_FOLDER        e.g. /var/backups/renja/renja-20260312-020000
#   TARGET_DATABASE_URL  postgres://renja@127.0.0.1:5432/renja_restore; the database must exist (createdb)
#   TARGET_MEDIA_ROOT    default: $MEDIA_ROOT, else <project>/media (as in renja/settings.py)
#
# The checksums are verified first. pg_restore runs with --clean --if-exists --no-owner in a single transaction:
# it replaces the objects of the dump in the target and, when anything fails, leaves the target as it was.
# A target that already holds tables is refused unless RESTORE_FORCE=1 (restoring over live data must be
# deliberate; stop the app servers first). Media files are extracted over TARGET_MEDIA_ROOT; files that are not in
# the backup stay where they are.
set -euo pipefail
umask 027

if [[ $# -lt 2 || $# -gt 3 ]]; then
  sed -n '2,9p' "$0" >&2
  exit 2
fi
project_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
folder="$1"
url="$2"
media_root="${3:-${MEDIA_ROOT:-$project_dir/media}}"

for f in db.dump media.tar.gz SHA256SUMS; do
  [[ -f "$folder/$f" ]] || { echo "restore.sh: $folder/$f tidak ada" >&2; exit 1; }
done
(cd "$folder" && sha256sum --check --quiet SHA256SUMS) || { echo "restore.sh: checksum tidak cocok; cadangan rusak" >&2; exit 1; }

. "$project_dir/scripts/pg_url.sh"
pg_url_for_libpq restore.sh "$url"
url="$PG_URL"

tables="$(psql --no-password --dbname="$url" -Atc "select count(*) from pg_tables where schemaname = 'public'")"
if [[ "$tables" != "0" && "${RESTORE_FORCE:-0}" != "1" ]]; then
  echo "restore.sh: basis data tujuan sudah berisi $tables tabel; set RESTORE_FORCE=1 untuk menimpanya" >&2
  exit 1
fi

pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction --exit-on-error --no-password \
  --dbname="$url" "$folder/db.dump"

mkdir -p "$media_root"
tar -C "$media_root" -xzf "$folder/media.tar.gz" --no-same-owner
echo "Dipulihkan: ${url%%\?*} dan $media_root dari $folder"
