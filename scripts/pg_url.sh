# Sourced by backup.sh and restore.sh. `pg_url_for_libpq NAME URL` checks that URL is PostgreSQL, moves a password out
# of it into PGPASSWORD (URL-decoded, so that it never shows in `ps`) and leaves the URL libpq gets in PG_URL.
# NAME is the calling script's name, for the error message. (Not a command substitution: PGPASSWORD must reach the
# caller's shell.)
pg_url_for_libpq() {
  local name="$1" password
  PG_URL="$2"
  case "$PG_URL" in
    postgres://*|postgresql://*) ;;
    pgsql://*|postgis://*) PG_URL="postgresql://${PG_URL#*://}" ;;
    *) echo "$name: URL basis data harus PostgreSQL (postgres://…), bukan ${PG_URL%%://*}" >&2; return 2 ;;
  esac
  if [[ "$PG_URL" =~ ^(postgres(ql)?://)([^:@/]+):([^@/]*)@(.*)$ ]]; then
    password="${BASH_REMATCH[4]}"
    PGPASSWORD="$(printf '%b' "${password//%/\\x}")"
    export PGPASSWORD
    PG_URL="${BASH_REMATCH[1]}${BASH_REMATCH[3]}@${BASH_REMATCH[5]}"
  fi
}
