#!/usr/bin/env bash
# The bundled lab: install what is missing, build, start a simulated operator
# network (one snmpsimd serving conf/lab/agents/ on 127.0.{10,20,30,40}.x,
# port 16100), sweep it with vraudit scan, ingest the lab's mirror-port
# capture, list the inventory and print the compliance report. Output lands
# in lab-out/: lab.db, report.html, mirror.pcap, logs. The agents are stopped
# at the end, also on failure. Run it again and it gives the same result.
#
# Environment:
#   VRAUDIT_LAB_OUT    output directory instead of lab-out/
#   VRAUDIT_LAB_BUILD  an existing build directory instead of build/
#   VRAUDIT_LAB_USER   user snmpsimd runs as when started as root
#                      (default vraudit-lab, created when missing)
#
# Exit status: 0 when the lab ran, whatever the report found (its exit
# status 1 means violations, which the lab has on purpose); otherwise the
# status of the step that failed.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

out=${VRAUDIT_LAB_OUT:-lab-out}
build=${VRAUDIT_LAB_BUILD:-build}
port=16100
conf=conf/lab/vraudit.conf
agents=conf/lab/agents
secret=conf/lab/secrets/lab.community

mkdir -p "$out"
out=$(cd "$out" && pwd)
db=$out/lab.db

# 1. Dependencies and the build.
bash scripts/install-deps.sh
if [ ! -f "$build/build.ninja" ]; then
	# Only our own build/ is ever wiped; another directory must be empty.
	if [ "$build" = build ]; then rm -rf build; fi
	meson setup "$build" >"$out/build.setup.log" 2>&1 ||
		{ cat "$out/build.setup.log" >&2; exit 1; }
fi
ninja -C "$build" >"$out/build.log" 2>&1 || { cat "$out/build.log" >&2; exit 1; }
vraudit=$build/vraudit

# 2. Configuration. Git keeps no permission bits but the executable one, and
# vraudit refuses a secret file others may read.
chmod 0640 "$secret"
echo "== configuration ($conf)"
"$vraudit" check-config -c "$conf" 2>&1 >"$out/effective.conf"

# 3. The simulated network: one snmpsimd, one endpoint per data file
# (named ADDRESS_SYSNAME.snmprec), answering the lab's community.
run=$(mktemp -d "${TMPDIR:-/tmp}/vraudit-lab.XXXXXX")
stop_lab() {
	if [ -f "$run/snmpsimd.pid" ]; then
		local pid
		pid=$(cat "$run/snmpsimd.pid")
		kill "$pid" 2>/dev/null || true
		for _ in $(seq 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -9 "$pid" 2>/dev/null || true
		cp "$run/snmpsimd.log" "$out/snmpsimd.log" 2>/dev/null || true
	fi
	rm -rf "$run"
}
trap stop_lab EXIT

community=$(head -n 1 "$secret")
case $community in
'' | *[!A-Za-z0-9._-]*) echo "lab: $secret: the community must be letters, digits, '.', '_' or '-'" >&2; exit 2 ;;
esac
command -v snmpsimd >/dev/null || { echo "lab: snmpsimd not found (package snmpsim)" >&2; exit 3; }
mkdir -p "$run/data/$community" "$run/cache"
args=() endpoints=() n=0
in_use=$(ss -Hlun 2>/dev/null | awk '{ print $4 }' || true)
for f in "$agents"/*.snmprec; do
	addr=$(basename "$f")
	addr=${addr%%_*}
	ep=$addr:$port
	if grep -qxF "$ep" <<<"$in_use"; then
		echo "lab: $ep is already in use: is another lab running?" >&2
		exit 3
	fi
	# A marker sorting before every OID a sweep asks for: tells this run's
	# agents from any other process on the endpoint.
	{ echo "1.0.0.0|4|$run"; cat "$f"; } >"$run/data/$community/1.3.6.1.6.1.1.$n.snmprec"
	args+=("--agent-udpv4-endpoint=$ep")
	endpoints+=("$ep")
	n=$((n + 1))
done
# snmpsimd refuses to run as root: give it an unprivileged user.
if [ "$(id -u)" -eq 0 ]; then
	user=${VRAUDIT_LAB_USER:-vraudit-lab}
	if ! id "$user" >/dev/null 2>&1; then
		useradd --system --no-create-home --shell /usr/sbin/nologin "$user"
	fi
	chmod 755 "$run"
	chown -R "$user:" "$run"
	args+=("--process-user=$user" "--process-group=$(id -gn "$user")")
fi
echo "== starting the lab: $n SNMP agents on port $port"
snmpsimd --v2c-arch --data-dir="$run/data" --cache-dir="$run/cache" "${args[@]}" \
	>"$run/snmpsimd.log" 2>&1 &
echo $! >"$run/snmpsimd.pid"
for ep in "${endpoints[@]}"; do
	tries=0
	until snmpget -v2c -c "$community" -r0 -t1 -Oqv "udp:$ep" 1.0.0.0 2>/dev/null |
		grep -qF "$run"; do
		tries=$((tries + 1))
		if [ $tries -ge 30 ] || ! kill -0 "$(cat "$run/snmpsimd.pid")" 2>/dev/null; then
			echo "lab: the agent on $ep did not answer; snmpsimd said:" >&2
			cat "$run/snmpsimd.log" >&2
			exit 3
		fi
	done
done

# 4. A fresh database: sweep the agents, ingest the mirror-port capture.
rm -f "$db" "$db-wal" "$db-shm" "$out/report.html"
echo "== vraudit scan"
"$vraudit" scan -c "$conf" --db "$db"
stop_lab
trap - EXIT
echo "== vraudit ingest (the lab's mirror port)"
# Heard from now on, after the sweep that made the baseline.
python3 scripts/lab-capture.py --start "$(($(date +%s) + 1))" "$out/mirror.pcap"
"$vraudit" ingest -c "$conf" --db "$db" "$out/mirror.pcap"

# 5. What was found, and what the policy packs say about it.
echo "== inventory"
"$vraudit" elements -c "$conf" --db "$db"
echo "== compliance report"
rc=0
"$vraudit" report -c "$conf" --db "$db" || rc=$?
[ $rc -le 1 ] || [ $rc -eq 4 ] || exit $rc
rc=0
"$vraudit" report -c "$conf" --db "$db" --format html -o "$out/report.html" || rc=$?
[ $rc -le 1 ] || [ $rc -eq 4 ] || exit $rc

echo
echo "HTML report: $out/report.html"
echo "database:    $db (open read-only: sqlite3 'file:$db?mode=ro')"
