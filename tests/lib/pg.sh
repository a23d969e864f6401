# A throwaway PostgreSQL server for a system test, sourced after common.sh:
#
#   . "$src/tests/lib/pg.sh"
#
# The server runs as an unprivileged user (the package's `postgres` when
# the test runs as root, otherwise the test's own user), listens on a Unix
# socket in $tmp only (no TCP), trusts local connections, and is stopped
# at exit. Its data is in UTF-8 with the C locale.
#
#   pg_start [OPT...]   initdb (first time) and start; waits until ready;
#                       each OPT ("-c name=value") goes to the server
#   pg_stop             stop at once (-m immediate)
#   pg_restart          restart at once (-m immediate), waits until ready
#   pg_createdb NAME    a new UTF-8 database
#   pg_psql [ARGS...]   psql as the superuser postgres: -X -q -At,
#                       ON_ERROR_STOP; -U ROLE and -d DB may be given
# and sets
#   PG_SOCKET_DIR, PG_PORT   where the server listens
#   PG_URL_ADMIN        a libpq URI for the superuser, database postgres

pg_bin=/usr/lib/postgresql/15/bin
[ -x "$pg_bin/initdb" ] || skip "PostgreSQL 15 is not installed (package postgresql-15)"
require psql

PG_SOCKET_DIR=$tmp/pg/sock
PG_PORT=5432
PG_URL_ADMIN="postgresql://postgres@/postgres?host=$PG_SOCKET_DIR&port=$PG_PORT"
pg_data=$tmp/pg/data
pg_user=$(id -un)
[ "$(id -u)" -ne 0 ] || pg_user=postgres
id "$pg_user" >/dev/null 2>&1 || skip "user $pg_user to run PostgreSQL is missing"

pg_as() {
	if [ "$(id -un)" = "$pg_user" ]; then
		"$@"
	else
		runuser -u "$pg_user" -- "$@"
	fi
}

pg_ctl_() {
	pg_as "$pg_bin/pg_ctl" -D "$pg_data" -l "$tmp/pg/log" "$@" >>"$tmp/pg/ctl.log" 2>&1
}

pg_start() {
	local opts="-k $PG_SOCKET_DIR -p $PG_PORT -c listen_addresses= -c fsync=off $*"
	if [ ! -d "$pg_data" ]; then
		mkdir -p "$tmp/pg" "$PG_SOCKET_DIR"
		chmod 755 "$tmp"
		chown "$pg_user" "$tmp/pg" "$PG_SOCKET_DIR"
		pg_as "$pg_bin/initdb" -D "$pg_data" -A trust -U postgres -E UTF8 --locale=C \
			>"$tmp/pg/initdb.log" 2>&1 || fail "initdb: $(cat "$tmp/pg/initdb.log")"
		at_exit 'pg_stop'
	fi
	pg_ctl_ -w -o "$opts" start || fail "PostgreSQL did not start: $(cat "$tmp/pg/log")"
}

pg_stop() {
	pg_ctl_ -m immediate -w stop || true
}

pg_restart() {
	pg_ctl_ -m immediate -w restart || fail "PostgreSQL did not restart: $(cat "$tmp/pg/log")"
}

pg_psql() {
	psql -X -q -At -v ON_ERROR_STOP=1 -h "$PG_SOCKET_DIR" -p "$PG_PORT" -U postgres "$@"
}

pg_createdb() {
	pg_psql -d postgres -c "CREATE DATABASE \"$1\" ENCODING 'UTF8' TEMPLATE template0" ||
		fail "createdb $1"
}
