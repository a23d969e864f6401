#!/usr/bin/env bash
# Many sites, one central PostgreSQL: SITES simulated sites of ELEMENTS
# elements each push their audit chains, two at a time (JOBS), to a
# throwaway PostgreSQL 15 started here on a Unix socket. Measured:
#
#   a. the first push of every site: wall time, records/s, leaves/s, the
#      client's CPU, the central database's size; beside it the floor, the
#      same rows (each site's audit and audit_leaf, exported beforehand)
#      loaded with plain COPY, JOBS at a time, into tables without any
#      trigger: once without an index, once with the primary keys;
#   b. a push with nothing new, site after site: the steady-state cost,
#      beside psql connecting for one SELECT;
#   c. `vraudit report --central` over every site's elements in text, json
#      and csv (median of ROUNDS: wall time, peak RSS), when the build has
#      it; skipped, saying so, when it has not;
#   e. the national views vraudit.violations, zone_share and rule_status read
#      whole (median of ROUNDS), when the central schema has them;
#   d. where the time of a push goes: one more push of the first site into
#      a second database with track_functions = all and
#      pg_stat_statements.track = all (each PL/pgSQL function's own time,
#      each statement inside them).
#
# The sites: each a generated capture (tests/bench/gen_capture, 3 frames an
# element) ingested into a fresh database with zones by subnet, MACs of its
# own (-b) and one address plan. Every third site, from the first, holds
# the high-risk makers (about a third of its elements Huawei, ZTE or
# Hikvision by OUI); the others none (-l).
#
# usage: tests/bench/central.sh
# environment: SITES (default 50), ELEMENTS (default 20000), JOBS (2),
#   ROUNDS (3), VRAUDIT_BUILD (build/), REPORT_BUILD (the build whose
#   `vraudit report --central` is timed; default VRAUDIT_BUILD), KEEP=1 to
#   keep the work directory (its path is printed); REPORT=0 skips c and
#   PROFILE=0 skips d.
# Runs as root (PostgreSQL then runs as the user postgres) or as a user
# that may run PostgreSQL itself. Needs postgresql-15, sqlite3, time, bc.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${VRAUDIT_BUILD:-$top/build}" && pwd)
report_build=$(cd "${REPORT_BUILD:-$build}" && pwd)
sites=${SITES:-50}
elements=${ELEMENTS:-20000}
jobs=${JOBS:-2}
rounds=${ROUNDS:-3}
pg_bin=/usr/lib/postgresql/15/bin

die() {
	echo "central.sh: $*" >&2
	exit 1
}
[ -x "$pg_bin/initdb" ] || die "needs PostgreSQL 15 (apt-get install postgresql-15)"
for t in psql sqlite3 bc; do
	command -v "$t" >/dev/null || die "needs $t"
done
[ -x /usr/bin/time ] || die "needs /usr/bin/time (apt-get install time)"
[ $((sites * elements)) -le 16000000 ] || die "SITES * ELEMENTS must stay under 16M (MACs)"
ninja -C "$build" vraudit tests/bench/gen_capture >/dev/null

work=$(mktemp -d /var/tmp/vraudit-central.XXXXXX)
chmod 755 "$work"
sock=$work/pg/sock
port=5432
pg_user=$(id -un)
[ "$(id -u)" -ne 0 ] || pg_user=postgres
pg_as() {
	if [ "$(id -un)" = "$pg_user" ]; then
		"$@"
	else
		runuser -u "$pg_user" -- "$@"
	fi
}
cleanup() {
	[ ! -f "$work/pg/data/postmaster.pid" ] ||
		pg_as "$pg_bin/pg_ctl" -D "$work/pg/data" -m immediate -w stop >/dev/null 2>&1 || true
	if [ "${KEEP:-0}" = 1 ]; then
		echo "central.sh: kept $work" >&2
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT
# psql as the superuser: psql_ DB ARGS...
psql_() {
	local db=$1
	shift
	PGOPTIONS='-c client_min_messages=warning' psql -X -q -At -v ON_ERROR_STOP=1 -h "$sock" -p "$port" -U postgres -d "$db" "$@"
}
now() { date +%s.%N; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
mib() { echo "scale=1; $1 / 1048576" | bc; }
# run_jobs FUNCTION ARGS...: FUNCTION ARG for each ARG, $jobs at a time;
# fails when any of them failed.
run_jobs() {
	local fn=$1 running=0 bad=0
	shift
	for a in "$@"; do
		"$fn" "$a" &
		running=$((running + 1))
		if [ "$running" -ge "$jobs" ]; then
			wait -n || bad=1
			running=$((running - 1))
		fi
	done
	while [ "$running" -gt 0 ]; do
		wait -n || bad=1
		running=$((running - 1))
	done
	[ "$bad" -eq 0 ] || die "$fn failed (outputs in $work/out, KEEP=1 keeps them)"
}

# The server: defaults but for a larger buffer cache and WAL between
# checkpoints (a checkpoint every few seconds would be the bench's own
# doing), durability as in production (fsync on).
mkdir -p "$work/pg" "$sock" "$work/out" "$work/sites"
chown "$pg_user" "$work/pg" "$sock"
pg_as "$pg_bin/initdb" -D "$work/pg/data" -A trust -U postgres -E UTF8 --locale=C \
	>"$work/pg/initdb.log" 2>&1 || die "initdb: $(cat "$work/pg/initdb.log")"
pg_as "$pg_bin/pg_ctl" -D "$work/pg/data" -l "$work/pg/log" -w -o "-k $sock -p $port \
-c listen_addresses= -c shared_buffers=512MB -c max_wal_size=8GB \
-c shared_preload_libraries=pg_stat_statements" start >/dev/null ||
	die "PostgreSQL did not start: $(cat "$work/pg/log")"
for db in central floor profile; do
	psql_ postgres -c "CREATE DATABASE $db ENCODING 'UTF8' TEMPLATE template0"
done
url="postgresql://%s@/%s?host=$sock&port=$port"

# conf FILE ROLE DATABASE SITE SQLITE: a configuration with zones by subnet
# over gen_capture's address plan (host number n is 10.0.n/256.n%256).
conf() {
	# shellcheck disable=SC2059
	cat >"$1" <<EOF
[database]
path = $5
[zone core]
subnets = 10.0.0.0/20
[zone ran]
subnets = 10.0.16.0/20
[zone transport]
subnets = 10.0.32.0/20
[zone fixed-access]
subnets = 10.0.48.0/20
[zone mgmt]
subnets = 10.0.64.0/21
[zone sensitive-site]
subnets = 10.0.72.0/21
[policy]
packs = uk-dvd-2022, us-fcc-covered
dir = $top/conf/policies
[central]
url = $(printf "$url" "$2" "$3")
site = $4
EOF
}

names=()
for k in $(seq "$sites"); do
	names+=("$(printf 'site-%02d' "$k")")
done
risky() { [ $((10#${1#site-} % 3)) -eq 1 ]; }

# The sites' databases.
make_site() {
	local s=$1 k=$((10#${1#site-})) low=-l
	! risky "$s" || low=
	conf "$work/sites/$s.conf" "$s" central "$s" "$work/sites/$s.db"
	"$build/tests/bench/gen_capture" $low -b $(((k - 1) * elements)) \
		"$work/sites/$s.pcap" $((elements * 3)) "$elements" "$k"
	"$build/vraudit" ingest --quiet -c "$work/sites/$s.conf" "$work/sites/$s.pcap" \
		>"$work/out/$s.ingest" 2>&1 || { cat "$work/out/$s.ingest" >&2; return 1; }
	rm -f "$work/sites/$s.pcap"
}
t0=$(now)
run_jobs make_site "${names[@]}"
t_ingest=$(echo "$(now) - $t0" | bc)
sqlite_bytes=0
for s in "${names[@]}"; do
	sqlite_bytes=$((sqlite_bytes + $(stat -c %s "$work/sites/$s.db")))
done
records=$(for s in "${names[@]}"; do sqlite3 "$work/sites/$s.db" 'SELECT count(*) FROM audit'; done |
	awk '{ n += $1 } END { print n }')
leaves=$(for s in "${names[@]}"; do sqlite3 "$work/sites/$s.db" 'SELECT count(*) FROM audit_leaf'; done |
	awk '{ n += $1 } END { print n }')
high=$(for s in "${names[@]}"; do sqlite3 "$work/sites/$s.db" "SELECT count(*) FROM inventory WHERE risk = 'high'"; done |
	awk '{ n += $1 } END { print n }')

# The central database: the schema, then every site.
conf "$work/admin.conf" postgres central admin "$work/admin.db"
"$build/vraudit" central migrate --quiet -c "$work/admin.conf"
for s in "${names[@]}"; do
	"$build/vraudit" central add-site --quiet -c "$work/admin.conf" "$s"
done

echo "machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), $(free -g | awk '/^Mem/ { print $2 }') GiB; load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "PostgreSQL $(psql_ postgres -c 'SHOW server_version'), shared_buffers 512MB, fsync on; vraudit $(git -C "$top" describe --always --dirty 2>/dev/null || echo '?')"
echo "sites: $sites of $elements elements ($((sites * elements)) in all, $high high-risk in $(((sites + 2) / 3)) of the sites),"
echo "  $records records, $leaves leaves, SQLite files $(mib "$sqlite_bytes") MiB; made in $(printf '%.0f' "$t_ingest") s"

# a. The first push of every site, $jobs at a time.
push() {
	local s=$1
	/usr/bin/time -f '%e %U %S' -o "$work/out/$s.time" \
		"$build/vraudit" push -c "$work/sites/$s.conf" >"$work/out/$s.push" 2>&1 ||
		{ cat "$work/out/$s.push" >&2; return 1; }
}
psql_ central -c 'CHECKPOINT'
t0=$(now)
run_jobs push "${names[@]}"
t_push=$(echo "$(now) - $t0" | bc)
read -r c_records c_leaves c_elements < <(psql_ central -F ' ' -c "SELECT
	(SELECT count(*) FROM vraudit.record), (SELECT count(*) FROM vraudit.leaf),
	(SELECT count(*) FROM vraudit.element)")
[ "$c_records.$c_leaves" = "$records.$leaves" ] ||
	die "the central database holds $c_records records and $c_leaves leaves, the sites $records and $leaves"
cpu=$(cat "$work"/out/site-*.time | awk '{ u += $2; s += $3 } END { print u + s }')
per_site=$(cut -d' ' -f1 "$work"/out/site-*.time | median)
psql_ central -c 'CHECKPOINT'
db_bytes=$(psql_ central -c "SELECT pg_database_size('central')")

# The floor: the same rows, COPY into tables without triggers.
copy_rows() {
	local s=$1
	sqlite3 -csv "$work/sites/$s.db" \
		"SELECT '$s', seq, at, kind, subject, detail, prev_hash, hash FROM audit ORDER BY seq" \
		>"$work/sites/$s.record.csv"
	sqlite3 -csv "$work/sites/$s.db" \
		"SELECT '$s', seq, idx, element, detail, hash FROM audit_leaf ORDER BY seq, idx" \
		>"$work/sites/$s.leaf.csv"
}
run_jobs copy_rows "${names[@]}"
floor_tables() {
	psql_ floor -c "DROP TABLE IF EXISTS record, leaf" -c "CREATE TABLE record (site text NOT NULL,
	seq bigint NOT NULL, at text NOT NULL, kind text NOT NULL,
	subject bigint NOT NULL, detail text NOT NULL, prev_hash text NOT NULL,
	hash text NOT NULL, received_at timestamptz NOT NULL DEFAULT now() $1)" \
		-c "CREATE TABLE leaf (site text NOT NULL, seq bigint NOT NULL,
	idx integer NOT NULL, element bigint NOT NULL, detail text NOT NULL,
	hash text NOT NULL $2)" -c CHECKPOINT
}
copy_site() {
	psql_ floor -c "BEGIN" \
		-c "\\copy leaf (site, seq, idx, element, detail, hash) FROM '$work/sites/$1.leaf.csv' WITH (FORMAT csv)" \
		-c "\\copy record (site, seq, at, kind, subject, detail, prev_hash, hash) FROM '$work/sites/$1.record.csv' WITH (FORMAT csv)" \
		-c "COMMIT"
}
floor_tables "" ""
t0=$(now)
run_jobs copy_site "${names[@]}"
t_copy=$(echo "$(now) - $t0" | bc)
psql_ floor -c CHECKPOINT
copy_bytes=$(psql_ floor -c "SELECT pg_total_relation_size('record') + pg_total_relation_size('leaf')")
[ "$(psql_ floor -c 'SELECT count(*) FROM leaf')" = "$leaves" ] || die "COPY: leaves missing"
floor_tables ", PRIMARY KEY (site, seq)" ", PRIMARY KEY (site, seq, idx)"
t0=$(now)
run_jobs copy_site "${names[@]}"
t_copy_pk=$(echo "$(now) - $t0" | bc)

echo
echo "a. first push of every site, $jobs at a time"
printf '%-44s %9s %10s %10s %8s %9s\n' run seconds records/s leaves/s "x floor" "size MiB"
row() {
	printf '%-44s %9.1f %10.1f %10.0f %8.3f %9s\n' "$1" "$2" "$(echo "$records / $2" | bc -l)" \
		"$(echo "$leaves / $2" | bc -l)" "$(echo "$t_copy / $2" | bc -l)" "$3"
}
row "COPY into tables without index (floor)" "$t_copy" "$(mib "$copy_bytes")"
row "COPY into tables with primary keys" "$t_copy_pk" -
row "vraudit push (checked, state derived)" "$t_push" "$(mib "$db_bytes")"
echo "  push: median $per_site s a site; client CPU (user+sys) $cpu s in all"
echo "  central database by table (MiB, with indexes):"
psql_ central -F ' ' -c "SELECT relname, pg_total_relation_size(c.oid) FROM pg_class c
	JOIN pg_namespace n ON n.oid = relnamespace WHERE nspname = 'vraudit' AND relkind = 'r'
	ORDER BY 2 DESC" | while read -r t b; do
	printf '    %-20s %9s\n' "$t" "$(mib "$b")"
done

# b. Nothing new: one site after another.
for s in "${names[@]}"; do
	t0=$(now)
	"$build/vraudit" push -c "$work/sites/$s.conf" >"$work/out/$s.again" 2>&1 ||
		die "repeated push $s: $(cat "$work/out/$s.again")"
	echo "$(now) - $t0" | bc >>"$work/out/again"
	grep -q "^site $s: 0 record(s) and 0 leaf(s) pushed" "$work/out/$s.again" ||
		die "repeated push $s said: $(cat "$work/out/$s.again")"
done
# Beside it, what a connection alone costs: psql connecting as a site's
# role and running one query.
for _ in 1 2 3 4 5 6 7 8 9; do
	t0=$(now)
	psql -X -q -At -h "$sock" -p "$port" -U "${names[0]}" -d central -c 'SELECT 1' >/dev/null
	echo "$(now) - $t0" | bc >>"$work/out/connect"
done
echo
printf 'b. a push with nothing new, site after site: median %.3f s, max %.3f s, %.2f s for all %d\n' \
	"$(median <"$work/out/again")" "$(sort -n "$work/out/again" | tail -1)" \
	"$(awk '{ t += $1 } END { print t }' "$work/out/again")" "$sites"
printf '   beside it, psql connecting as a site role for one SELECT: median %.3f s\n' \
	"$(median <"$work/out/connect")"

# c. The national report.
echo
if [ "${REPORT:-1}" != 1 ]; then
	echo "c. report --central: skipped (REPORT=0)"
elif ! "$report_build/vraudit" report --help 2>&1 | grep -q -- --central; then
	echo "c. report --central: skipped, $report_build/vraudit has no report --central"
else
	echo "c. vraudit report --central over $c_elements elements ($sites sites), median of $rounds; target 5 s"
	printf '%-6s %9s %9s %12s %5s\n' format seconds "RSS MiB" bytes exit
	for format in text json csv; do
		: >"$work/out/report"
		for _ in $(seq "$rounds"); do
			rc=0
			/usr/bin/time -f '%e %M' -o "$work/out/report.time" \
				"$report_build/vraudit" report --central -c "$work/admin.conf" \
				--format "$format" >"$work/out/report.$format" 2>"$work/out/report.err" || rc=$?
			[ "$rc" -le 1 ] || [ "$rc" -eq 4 ] ||
				die "report --central --format $format: exit $rc: $(head -5 "$work/out/report.err")"
			echo "$(tail -n 1 "$work/out/report.time") $(stat -c %s "$work/out/report.$format") $rc" >>"$work/out/report"
		done
		secs=$(cut -d' ' -f1 "$work/out/report" | median)
		kib=$(cut -d' ' -f2 "$work/out/report" | median)
		printf '%-6s %9.2f %9.1f %12d %5s %s\n' "$format" "$secs" "$(echo "$kib / 1024" | bc -l)" \
			"$(cut -d' ' -f3 "$work/out/report" | median)" "$(cut -d' ' -f4 "$work/out/report" | head -1)" \
			"$([ "$(echo "$secs <= 5" | bc)" = 1 ] && echo "(met)" || echo "(target not met)")"
	done
fi

# e. The national views (central schema version 3): the packs evaluated in
# PostgreSQL over every site's elements, as an auditor reads them, each
# view's rows fetched whole by psql.
echo
if [ "$(psql_ central -c "SELECT to_regclass('vraudit.violations') IS NOT NULL")" != t ]; then
	echo "e. national views: skipped, the central schema has no vraudit.violations"
else
	echo "e. the national views over $c_elements elements ($sites sites), median of $rounds"
	printf '%-26s %9s %10s\n' view seconds rows
	for view in violations zone_share rule_status; do
		: >"$work/out/view"
		for _ in $(seq "$rounds"); do
			t0=$(now)
			psql_ central -c "SELECT * FROM vraudit.$view" >"$work/out/view.rows" ||
				die "SELECT * FROM vraudit.$view failed"
			echo "$(now) - $t0" | bc >>"$work/out/view"
		done
		printf '%-26s %9.2f %10d\n' "vraudit.$view" "$(median <"$work/out/view")" \
			"$(wc -l <"$work/out/view.rows")"
	done
fi

[ "${PROFILE:-1}" = 1 ] || exit 0
# d. Where a push's time goes: the first site again, into a database of
# its own, with every function and nested statement timed.
s=${names[0]}
sed "s|/central?|/profile?|" "$work/sites/$s.conf" >"$work/profile.conf"
sed "s|/central?|/profile?|" "$work/admin.conf" >"$work/profile-admin.conf"
"$build/vraudit" central migrate --quiet -c "$work/profile-admin.conf"
"$build/vraudit" central add-site --quiet -c "$work/profile-admin.conf" "$s"
psql_ profile -c "CREATE EXTENSION pg_stat_statements" \
	-c "ALTER DATABASE profile SET track_functions = 'all'" \
	-c "ALTER DATABASE profile SET pg_stat_statements.track = 'all'" \
	-c "SELECT pg_stat_reset()" -c "SELECT pg_stat_statements_reset()" >/dev/null
t0=$(now)
"$build/vraudit" push -c "$work/profile.conf" >"$work/out/profile.push" 2>&1 ||
	die "profiled push: $(cat "$work/out/profile.push")"
t_profile=$(echo "$(now) - $t0" | bc)
sleep 1 # the backend sends its function counts to the statistics when it ends
echo
echo "d. where a push goes: $s alone ($(grep -o '[0-9]* leaf(s)' "$work/out/profile.push")),"
echo "   $(printf '%.2f' "$t_profile") s with every function timed (its first push: $(cut -d' ' -f1 "$work/out/$s.time") s)"
printf '   %-28s %9s %12s %12s\n' function calls "total ms" "self ms"
psql_ profile -F ' ' -c "SELECT funcname, calls, round(total_time), round(self_time)
	FROM pg_stat_user_functions ORDER BY self_time DESC" |
	while read -r f n t u; do printf '   %-28s %9s %12s %12s\n' "$f" "$n" "$t" "$u"; done
echo "   statements (pg_stat_statements, nested ones included), the 12 dearest:"
psql_ profile -F '|' -c "SELECT round(total_exec_time), calls,
	regexp_replace(left(query, 90), '\\s+', ' ', 'g') FROM pg_stat_statements
	WHERE dbid = (SELECT oid FROM pg_database WHERE datname = 'profile')
	ORDER BY total_exec_time DESC LIMIT 12" |
	while IFS='|' read -r t n q; do printf '   %8s ms %8s  %s\n' "$t" "$n" "$q"; done
