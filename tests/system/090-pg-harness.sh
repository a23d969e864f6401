#!/bin/bash
# tests/lib/pg.sh, the throwaway PostgreSQL server the central database's
# tests stand on: it starts unprivileged, answers over its socket through
# psql and through the URIs it gives, keeps committed rows across an
# immediate restart that cuts the connections open, holds no pipe of the
# test, starts again after pg_stop, runs beside another test's server on
# the same port, and is gone once its test exits.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
. "$src/tests/lib/pg.sh"

pg_start
[ -S "$PG_SOCKET_DIR/.s.PGSQL.$PG_PORT" ] || fail "no socket in $PG_SOCKET_DIR"
[ "$PG_URL_ADMIN" = "postgresql://postgres@/postgres?host=$PG_SOCKET_DIR&port=$PG_PORT" ] ||
	fail "PG_URL_ADMIN: $PG_URL_ADMIN"
bash -c '[ -n "$PG_URL_ADMIN" ]' || fail "PG_URL_ADMIN is not exported"
pid=$(head -1 "$pg_data/postmaster.pid")
if [ "$(id -u)" -eq 0 ]; then
	[ "$(ps -o user= -p "$pid")" = postgres ] ||
		fail "the server runs as $(ps -o user= -p "$pid"), not postgres"
fi
[ "$(pg_psql -d postgres -c 'SHOW listen_addresses')" = "" ] || fail "the server listens on TCP"
[ "$(pg_psql -d postgres -c 'SHOW fsync')" = off ] || fail "fsync is on"

# A database of its own; rows committed in it read back through pg_psql
# and through URIs as libpq takes them.
pg_createdb central
pg_psql -d central -c "CREATE TABLE record (site text, seq bigint, PRIMARY KEY (site, seq))"
pg_psql -d central -c "INSERT INTO record VALUES ('lon-1', 1), ('lon-1', 2), ('par-2', 1)"
[ "$(pg_psql -d central -c 'SELECT count(*) FROM record')" = 3 ] || fail "rows not read back"
[ "$(psql -X -At "$(pg_url central)" \
	-c "SELECT string_agg(site || ':' || seq, ',' ORDER BY site, seq) FROM record")" \
	= "lon-1:1,lon-1:2,par-2:1" ] || fail "rows not read through $(pg_url central)"
[ "$(psql -X -At "$PG_URL_ADMIN" -c 'SELECT current_user || current_database()')" = postgrespostgres ] ||
	fail "PG_URL_ADMIN does not reach database postgres as postgres"
# ON_ERROR_STOP: a failing statement fails pg_psql.
if pg_psql -d central -c "INSERT INTO record VALUES ('lon-1', 1)" 2>"$tmp/dup.err"; then
	fail "a duplicate key was accepted"
fi
grep -q 'duplicate key' "$tmp/dup.err" || fail "duplicate key: $(cat "$tmp/dup.err")"

# Cut away and back, with a connection open on a pipe of this test: a new
# server process, the rows still there, the connection cut, and the pipe
# not held by the new server (psql ends at its end).
mkfifo "$tmp/held.in"
psql -X -q -At -d "$(pg_url central)" <"$tmp/held.in" >"$tmp/held.out" 2>&1 &
held=$!
exec {to_held}>"$tmp/held.in"
echo "SELECT 'before';" >&"$to_held"
wait_for "psql's first answer" grep -qx before "$tmp/held.out"
pg_restart
pid2=$(head -1 "$pg_data/postmaster.pid")
[ "$pid2" != "$pid" ] || fail "pg_restart kept server process $pid"
grep -q 'database system was not properly shut down; automatic recovery in progress' "$tmp/pg/log" ||
	fail "the restart was not immediate: $(tail -20 "$tmp/pg/log")"
[ "$(pg_psql -d central -c "SELECT count(*) FROM record WHERE site = 'lon-1'")" = 2 ] ||
	fail "rows lost across pg_restart"
echo "SELECT 'after';" >&"$to_held"
exec {to_held}>&-
wait "$held" || true
grep -q 'server closed the connection unexpectedly' "$tmp/held.out" ||
	fail "a connection of before the restart: $(cat "$tmp/held.out")"
if grep -qx after "$tmp/held.out"; then
	fail "a connection survived the restart: $(cat "$tmp/held.out")"
fi

# pg_stop: no answer; pg_start again: the same data.
pg_stop
if pg_psql -d postgres -c 'SELECT 1' 2>/dev/null; then
	fail "the server answers after pg_stop"
fi
state=$(ps -o stat= -p "$pid2" || true)
case $state in '' | Z*) ;; *) fail "the server (pid $pid2) runs after pg_stop" ;; esac
pg_start
[ "$(pg_psql -d central -c 'SELECT count(*) FROM record')" = 3 ] ||
	fail "rows lost across pg_stop and pg_start"

# A second server, started by a test of its own on the same port while
# this one runs, and stopped when that test exits.
cat >"$tmp/other.sh" <<'SH'
set -euo pipefail
. "$VRAUDIT_SOURCE_ROOT/tests/lib/common.sh"
. "$src/tests/lib/pg.sh"
pg_start
echo "$PG_PORT $(head -1 "$pg_data/postmaster.pid") $PG_SOCKET_DIR $(pg_psql -d postgres -c 'SELECT 41 + 1')"
SH
bash "$tmp/other.sh" >"$tmp/other.out" 2>&1 || fail "a second server: $(cat "$tmp/other.out")"
read -r port2 opid osock answer <"$tmp/other.out"
[ "$port2" = "$PG_PORT" ] && [ "$osock" != "$PG_SOCKET_DIR" ] && [ "$answer" = 42 ] ||
	fail "second server: $(cat "$tmp/other.out")"
state=$(ps -o stat= -p "$opid" || true)
case $state in '' | Z*) ;; *) fail "the second server (pid $opid) outlived its test" ;; esac
[ ! -e "$osock" ] || fail "the second server's directory outlived its test"
[ "$(pg_psql -d central -c 'SELECT count(*) FROM record')" = 3 ] ||
	fail "this server stopped with the other"

echo "ok"
