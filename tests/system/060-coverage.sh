#!/usr/bin/env bash
# Verdicts that rest on observation: a report is "compliant" only when every
# zone of every rule was observed, recently and in full.
#
# An empty database, a report as of a day before the first sweep, one as of
# a day past max-age, and a sweep where half the known agents are silent all
# give result INCOMPLETE, exit 4, with the status of each rule (no-data,
# stale, partial) and why; the same network swept in full is compliant
# (exit 0). A walk cut by max-rows makes the sweep partial. "New" goes by
# dates: sweeping then ingesting a capture, or ingesting it first, gives
# the same verdicts and the same list of new elements.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
require snmpsimd snmpget sqlite3
require_python
at_exit 'bash "$src/tests/lib/snmpsim.sh" stop "$tmp/sim"'

port=16160
agent() { # NAME DESCR OID [EXTRA-LINES]
	printf '1.3.6.1.2.1.1.1.0|4|%s\n1.3.6.1.2.1.1.2.0|6|%s\n1.3.6.1.2.1.1.5.0|4|%s\n%s' \
		"$2" "$3" "$1" "${4:-}" >"$tmp/$1.snmprec"
}
cisco="Cisco IOS XE Software, Version 17.9.4"
agent core-rtr-1 "$cisco" 1.3.6.1.4.1.9.1.2571
agent core-rtr-2 "$cisco" 1.3.6.1.4.1.9.1.2571
agent core-rtr-3 "$cisco" 1.3.6.1.4.1.9.1.2571
agent core-spine-4 "Huawei Versatile Routing Platform Software CE6881" 1.3.6.1.4.1.2011.2.239.53
# Five interface MACs: more rows than max-rows = 2 lets through.
ifs=""
for i in 1 2 3 4 5; do ifs+="1.3.6.1.2.1.2.2.1.6.$i|4x|f4bd9e1a0${i}01"$'\n'; done
agent ran-csr-1 "$cisco" 1.3.6.1.4.1.9.1.2571 "$ifs"
sim() { # start the core agents named, and the RAN one
	local args=("127.60.1.1:$port" "$tmp/ran-csr-1.snmprec") n
	for n in 1 2 3 4; do
		local a
		a=$(cd "$tmp" && ls core-*-$n.snmprec)
		if [[ " $* " == *" ${a%.snmprec} "* ]]; then
			args+=("127.60.0.$n:$port" "$tmp/$a")
		fi
	done
	bash "$src/tests/lib/snmpsim.sh" stop "$tmp/sim"
	bash "$src/tests/lib/snmpsim.sh" start "$tmp/sim" "${args[@]}"
}

mkdir "$tmp/policies"
cat >"$tmp/policies/cov-test.conf" <<'EOF2'
[pack]
name = cov-test
vendors = huawei
[rule core-cap]
zone = core
max-share = 50%
[rule no-new]
zone = all
first-seen-after = 2020-01-01
EOF2
printf 'public\n' >"$tmp/community"
chmod 600 "$tmp/community"
config() { # FILE DB [EXTRA-SNMP-LINE]
	cat >"$1" <<EOF2
[database]
path = $2
[snmp]
timeout = 5s
retries = 1
${3:-}
[zone core]
subnets = 127.60.0.0/24
[zone ran]
subnets = 127.60.1.0/24
[target core]
addresses = 127.60.0.1:$port, 127.60.0.2:$port, 127.60.0.3:$port, 127.60.0.4:$port
community-file = $tmp/community
[target ran]
addresses = 127.60.1.1:$port
community-file = $tmp/community
[policy]
packs = cov-test
dir = $tmp/policies
max-age = 3d
EOF2
}
db=$tmp/cov.db
conf=$tmp/vraudit.conf
config "$conf" "$db"

report() { # WANT-EXIT ARGS...
	local want=$1 rc=0
	shift
	"$vraudit" report -c "$conf" --db "$db" "$@" >"$tmp/report" 2>"$tmp/err" || rc=$?
	[ "$rc" -eq "$want" ] || fail "report $*: exit $rc, want $want: $(cat "$tmp/report" "$tmp/err")"
}
has() { # TEXT WHAT
	grep -qF -- "$1" "$tmp/report" || fail "$2: no '$1' in: $(cat "$tmp/report")"
}
scan() {
	"$vraudit" scan -c "$conf" --db "$db" --quiet >"$tmp/out" 2>"$tmp/err" ||
		fail "scan exited $?: $(cat "$tmp/err")"
}

# 1. An empty database: nothing was observed, nothing is compliant.
"$vraudit" migrate --db "$db" >/dev/null
report 4
has "result:    INCOMPLETE" "empty database"
has "[no-data] core-cap" "empty database, capped rule"
has "[no-data] no-new" "empty database, zone-all rule"
report 4 --format json
python3 - "$tmp/report" <<'PY' || fail "empty database, JSON: $(cat "$tmp/report")"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["result"] == "INCOMPLETE" and r["compliant"] is False, r["result"]
assert r["rules_not_judged"] == 2, r["rules_not_judged"]
PY

# 2. The whole network answers: compliant, and said so.
sim core-rtr-1 core-rtr-2 core-rtr-3 core-spine-4
scan
report 0
has "result:    compliant (0 violated, 0 pending, 2 met, 0 not judged)" "full sweep"
has "core: ok" "full sweep, coverage of core"
has "baseline: sweep 1, the first complete one" "full sweep, baseline"
[ "$(q "SELECT targets || ' ' || answered || ' ' || silent FROM scan_zones WHERE zone = 'core'")" = "4 4 0" ] ||
	fail "scan_zones of core: $(q "SELECT * FROM scan_zones")"
"$vraudit" verify --db "$db" >"$tmp/verify" 2>&1 || fail "verify: $(cat "$tmp/verify")"

# 3. Before the first sweep nothing was known; long after it, nothing is.
report 4 --as-of 2020-01-01
has "[no-data] core-cap" "as of a day before the first sweep"
later=$(date -u -d '+10 days' +%F)
report 4 --as-of "$later"
has "[stale] core-cap" "as of 10 days after the sweep"
has "max-age 3 days" "stale, the reason"

# 4. Half the known core agents fall silent: partial, and which.
sim core-rtr-1 core-spine-4
scan
report 4
has "[partial] core-cap" "half-silent sweep"
has "2 known agents silent" "half-silent sweep, the reason"
[ "$(q "SELECT missing || ' ' || status FROM coverage WHERE zone = 'core'")" = "2 partial" ] ||
	fail "coverage of core: $(q "SELECT * FROM coverage")"
"$vraudit" verify --db "$db" >"$tmp/verify" 2>&1 || fail "verify: $(cat "$tmp/verify")"
# An edit of what a sweep asked is an edit of the chain's scan record.
cp "$db" "$tmp/edited.db"
sqlite3 "$tmp/edited.db" "UPDATE scan_zone SET silent = 0, answered = 4 WHERE zone = 'core'"
rc=0
"$vraudit" verify --db "$tmp/edited.db" >"$tmp/verify" 2>&1 || rc=$?
[ $rc -eq 1 ] && grep -q "differs from audit record" "$tmp/verify" ||
	fail "edited scan_zone: verify exit $rc: $(cat "$tmp/verify")"

# 5. max-rows cuts a walk: the sweep is partial, not complete.
cut_db=$tmp/cut.db
config "$tmp/cut.conf" "$cut_db" "max-rows = 2"
"$vraudit" scan -c "$tmp/cut.conf" --quiet >"$tmp/out" 2>"$tmp/err" || fail "scan with max-rows: $(cat "$tmp/err")"
[ "$(db=$cut_db q "SELECT status FROM scans")" = partial ] ||
	fail "a sweep cut by max-rows: $(db=$cut_db q "SELECT status, detail FROM scans")"
[ "$(db=$cut_db q "SELECT cut || ' ' || status FROM coverage WHERE zone = 'ran'")" = "1 partial" ] ||
	fail "coverage of ran after max-rows: $(db=$cut_db q "SELECT * FROM coverage")"
"$vraudit" report -c "$tmp/cut.conf" >"$tmp/report" 2>&1 && fail "report after a partial sweep exited 0"
has "1 walks cut short (max-rows, or the agent stopped answering)" "report after a partial sweep"

# 6. The order of work does not decide what is new: sweep then capture,
# and capture then sweep, give the same verdicts and the same new list.
sim core-rtr-1 core-rtr-2 core-rtr-3 core-spine-4
python3 "$src/scripts/lab-capture.py" --start "$(($(date +%s) + 120))" "$tmp/mirror.pcap"
for order in sweep-first capture-first; do
	d=$tmp/$order.db
	config "$tmp/$order.conf" "$d"
	if [ $order = sweep-first ]; then
		"$vraudit" scan -c "$tmp/$order.conf" --quiet >/dev/null 2>"$tmp/err" || fail "$order scan: $(cat "$tmp/err")"
		"$vraudit" ingest -c "$tmp/$order.conf" --quiet "$tmp/mirror.pcap" >/dev/null 2>"$tmp/err" || fail "$order ingest: $(cat "$tmp/err")"
	else
		"$vraudit" ingest -c "$tmp/$order.conf" --quiet "$tmp/mirror.pcap" >/dev/null 2>"$tmp/err" || fail "$order ingest: $(cat "$tmp/err")"
		"$vraudit" scan -c "$tmp/$order.conf" --quiet >/dev/null 2>"$tmp/err" || fail "$order scan: $(cat "$tmp/err")"
	fi
	rc=0
	"$vraudit" report -c "$tmp/$order.conf" --format json -o "$tmp/$order.json" 2>"$tmp/err" || rc=$?
	[ $rc -eq 1 ] || fail "$order report: exit $rc, want 1 (the capture's Huawei CPE is new): $(cat "$tmp/err")"
done
python3 - "$tmp/sweep-first.json" "$tmp/capture-first.json" <<'PY' || fail "order-swapped reports differ"
import json, sys

def facts(path):
    r = json.load(open(path))
    rules = sorted((p["name"], x["rule"], x["status"], x["coverage"],
                    x["scope"]["elements"], x["scope"]["covered"],
                    x["new_elements"])
                   for p in r["policies"] for x in p["rules"])
    cov = sorted((c["zone"], c["status"], c["elements"]) for c in r["coverage"])
    new = sorted((n["policy"], n["rule"], n["mac"], n["zone"], n["first_seen"])
                 for n in r["new_elements"])
    return r["result"], rules, cov, new

a, b = facts(sys.argv[1]), facts(sys.argv[2])
if a != b:
    sys.exit("sweep first: %r\ncapture first: %r" % (a, b))
result, rules, cov, new = a
assert result == "VIOLATIONS", result
# The CPE and the ONT of the capture are new; no swept box is.
assert any(n[2] == "30:fb:b8:e4:01:11" for n in new), new
assert all(not n[2].startswith("f4:bd:9e:1a") for n in new), new
PY
