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
#   pg_url [DB [ROLE]]  print a libpq URI for DB (default postgres) as ROLE
#                       (default postgres), over the socket
# and sets
#   PG_SOCKET_DIR, PG_PORT   where the server listens
#   PG_URL_ADMIN        (exported) a libpq URI for the superuser, database
#                       postgres
#
# The port is the same for every test: each server's socket and its lock
# file are in its own directory, and PostgreSQL keys its shared memory by
# the data directory, so servers of tests running at once never meet.
# Waits for the server last as long as $VRAUDIT_TEST_PATIENCE (common.sh),
# not pg_ctl's 60 seconds.

pg_bin=/usr/lib/postgresql/15/bin
[ -x "$pg_bin/initdb" ] || skip "PostgreSQL 15 is not installed (package postgresql-15)"
require psql

PG_SOCKET_DIR=$tmp/pg/sock
PG_PORT=5432
PG_URL_ADMIN="postgresql://postgres@/postgres?host=$PG_SOCKET_DIR&port=$PG_PORT"
export PG_URL_ADMIN
pg_data=$tmp/pg/data
pg_user=$(id -un)
[ "$(id -u)" -ne 0 ] || pg_user=postgres
id "$pg_user" >/dev/null 2>&1 || skip "user $pg_user to run PostgreSQL is missing"

# Run a server program as $pg_user, from a directory that user may read,
# with no descriptor but 0, 1 and 2: a server inherits what pg_ctl has, and
# would hold a pipe of the test open (its reader waiting for an end that
# never comes) as long as it runs.
pg_as() {
	(
		local fd
		for fd in "/proc/$BASHPID/fd/"*; do
			fd=${fd##*/}
			[ "$fd" -le 2 ] || eval "exec $fd>&-"
		done
		cd "$tmp/pg" || exit 1
		if [ "$(id -un)" = "$pg_user" ]; then
			exec "$@"
		fi
		exec runuser -u "$pg_user" -- "$@"
	)
}

pg_ctl_() {
	pg_as "$pg_bin/pg_ctl" -D "$pg_data" -l "$tmp/pg/log" -t "$patience" "$@" \
		>>"$tmp/pg/ctl.log" 2>&1
}

pg_start() {
	local opts="-k $PG_SOCKET_DIR -p $PG_PORT -c listen_addresses= -c fsync=off $*"
	if [ ! -d "$pg_data" ]; then
		mkdir -p "$tmp/pg" "$PG_SOCKET_DIR"
		chmod 755 "$tmp"
		chown "$pg_user" "$tmp/pg" "$PG_SOCKET_DIR"
		pg_as "$pg_bin/initdb" -D "$pg_data" -A trust -U postgres -E UTF8 --locale=C \
			--no-sync >"$tmp/pg/initdb.log" 2>&1 || fail "initdb: $(cat "$tmp/pg/initdb.log")"
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

pg_url() {
	echo "postgresql://${2:-postgres}@/${1:-postgres}?host=$PG_SOCKET_DIR&port=$PG_PORT"
}

pg_psql() {
	psql -X -q -At -v ON_ERROR_STOP=1 -h "$PG_SOCKET_DIR" -p "$PG_PORT" -U postgres "$@"
}

pg_createdb() {
	pg_psql -d postgres -c "CREATE DATABASE \"$1\" ENCODING 'UTF8' TEMPLATE template0" ||
		fail "createdb $1"
}
