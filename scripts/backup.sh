#!/usr/bin/env bash
# Back up Renja: the PostgreSQL database (pg_dump custom format) and the media folder (issued berita acara PDFs
# and their signed scans), into one dated folder.
#
# Usage:   DATABASE_URL=postgres://renja@127.0.0.1:5432/renja MEDIA_ROOT=/srv/renja/media scripts/backup.sh [BACKUP_DIR]
# BACKUP_DIR (argument, or the BACKUP_DIR variable; default /var/backups/renja) receives
#   renja-YYYYMMDD-HHMMSS/db.dump          pg_dump -Fc (restore with scripts/restore.sh or pg_restore)
#   renja-YYYYMMDD-HHMMSS/media.tar.gz     the whole MEDIA_ROOT (default: <project>/media, as in renja/settings.py)
#   renja-YYYYMMDD-HHMMSS/SHA256SUMS       checked by restore.sh before anything is touched
#   renja-YYYYMMDD-HHMMSS/INFO             where and when it was taken, and by which pg_dump
# The last line printed is the folder's path. The folder appears only when everything in it is complete.
#
# The database is dumped first and the media afterwards, so every file the dump refers to is in the archive
# (files created in between are extra and harmless: issued documents never change).
# A password in DATABASE_URL is passed to pg_dump through PGPASSWORD, never on its command line; a ~/.pgpass
# file works too.
set -euo pipefail
umask 077  # the dump holds personal data (names, NIP, contacts)

project_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
: "${DATABASE_URL:?DATABASE_URL wajib diisi (postgres://user@host:5432/dbname)}"
media_root="${MEDIA_ROOT:-$project_dir/media}"
backup_dir="${1:-${BACKUP_DIR:-/var/backups/renja}}"

. "$project_dir/scripts/pg_url.sh"
pg_url_for_libpq backup.sh "$DATABASE_URL"
url="$PG_URL"

stamp="$(date +%Y%m%d-%H%M%S)"
target="$backup_dir/renja-$stamp"
partial="$target.partial"
mkdir -p "$backup_dir"
if [[ -e "$target" || -e "$partial" ]]; then
  echo "backup.sh: $target sudah ada" >&2
  exit 1
fi
mkdir "$partial"
trap 'rm -rf "$partial"' EXIT

pg_dump --format=custom --compress=6 --no-password --file="$partial/db.dump" --dbname="$url"

if [[ -d "$media_root" ]]; then
  # impor-usulan/ holds uploads waiting for confirmation (deleted after a day): transient, left out.
  tar -C "$media_root" --exclude=./impor-usulan -czf "$partial/media.tar.gz" .
else
  echo "backup.sh: MEDIA_ROOT $media_root tidak ada; arsip media kosong" >&2
  tar -czf "$partial/media.tar.gz" -T /dev/null
fi

{
  echo "dibuat: $(date --iso-8601=seconds)"
  echo "basis data: ${url%%\?*}"
  echo "media: $media_root"
  echo "pg_dump: $(pg_dump --version)"
} > "$partial/INFO"
(cd "$partial" && sha256sum db.dump media.tar.gz > SHA256SUMS)

mv "$partial" "$target"
trap - EXIT
echo "$target"
