#!/usr/bin/env bash
# vraudit report over a large network, each format: wall time, peak RSS
# and output size, for one build or two side by side (runs interleaved,
# A then B, so that a noisy machine weighs on both alike).
#
# The database: gen_capture's hosts (Huawei, ZTE, H3C, Hikvision, Cisco,
# Juniper, Arista, ... by OUI) ingested with zones by subnet (core, ran,
# transport, fixed-access, mgmt, sensitive-site; hosts whose address the
# capture does not show are unassigned) and the packs uk-dvd-2022 and
# us-fcc-covered: about a third are high-risk, so most rules have
# violations.
#
# usage: tests/bench/report.sh [-t SECONDS] [ELEMENTS] [BUILD_A [BUILD_B]]
#        (default 100000 elements, build/; -t stops a run after SECONDS,
#        reported as "> SECONDS": an old build may take minutes)
# BUILD_A makes the database; BUILD_B, when given, reads a copy that it
# migrates first, so it must not be older than BUILD_A.
# Prints the median of ROUNDS runs (ROUNDS in the environment, default 3).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
limit=""
if [ "${1:-}" = -t ]; then
	limit=$2
	shift 2
fi
elements=${1:-100000}
a=$(cd "${2:-$top/build}" && pwd)
b=${3:+$(cd "$3" && pwd)}
rounds=${ROUNDS:-3}
work=$(mktemp -d /var/tmp/vraudit-report.XXXXXX)
trap 'rm -rf "$work"' EXIT

for d in "$a" ${b:+"$b"}; do
	[ -x "$d/vraudit" ] || { echo "report.sh: $d/vraudit missing" >&2; exit 2; }
done
[ -x /usr/bin/time ] || { echo "report.sh: needs /usr/bin/time (apt-get install time)" >&2; exit 2; }

# Zones by subnet over gen_capture's addresses, 10.H.M.L for host
# number H*65536 + M*256 + L.
mkdir "$work/a"
cat >"$work/a/vraudit.conf" <<EOF
[database]
path = $work/a/report.db
[zone core]
subnets = 10.0.0.0/18
[zone ran]
subnets = 10.0.64.0/18
[zone transport]
subnets = 10.0.128.0/18
[zone fixed-access]
subnets = 10.0.192.0/18
[zone mgmt]
subnets = 10.1.0.0/17
[zone sensitive-site]
subnets = 10.1.128.0/17
[policy]
packs = uk-dvd-2022, us-fcc-covered
dir = $top/conf/policies
EOF
"$a/tests/bench/gen_capture" "$work/net.pcap" $((elements * 3)) "$elements"
"$a/vraudit" ingest --quiet -c "$work/a/vraudit.conf" "$work/net.pcap" >/dev/null
rm -f "$work/net.pcap"
if [ -n "$b" ]; then
	mkdir "$work/b"
	cp "$work/a/report.db" "$work/b/report.db"
	sed "s|^path = .*|path = $work/b/report.db|" "$work/a/vraudit.conf" >"$work/b/vraudit.conf"
	"$b/vraudit" migrate --db "$work/b/report.db" >/dev/null
fi
as_of=$(date -u +%F)
violating=$(sqlite3 "$work/a/report.db" "SELECT count(*) || ' violations of ' || count(DISTINCT element_id) || ' elements' FROM violations" 2>/dev/null || echo "?")

# One run: "seconds KiB bytes" ("> limit" when stopped).
run() {
	local build=$1 format=$2 rc=0 conf=$work/a/vraudit.conf
	[ "$build" != "$b" ] || conf=$work/b/vraudit.conf
	rm -f "$work/out"
	${limit:+timeout "$limit"} /usr/bin/time -f '%e %M' -o "$work/time" \
	    "$build/vraudit" report -c "$conf" --as-of "$as_of" \
	    --format "$format" -o "$work/out" >/dev/null 2>&1 || rc=$?
	if [ "$rc" -eq 124 ]; then
		echo "> $limit - -"
		return
	fi
	[ "$rc" -le 1 ] || { echo "report.sh: $build: report --format $format: exit $rc" >&2; exit 1; }
	# time says first when the exit status was not 0
	read -r secs kib < <(tail -n 1 "$work/time")
	echo "$secs $kib $(stat -c %s "$work/out")"
}

median() { sort -n | awk '{ v[NR] = $0 } END { print v[int((NR + 1) / 2)] }'; }

echo "$elements elements, $violating; $rounds rounds; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-6s %-4s %10s %10s %12s\n' format tree seconds "RSS MiB" bytes
for format in text json csv html; do
	: >"$work/A"
	: >"$work/B"
	for _ in $(seq "$rounds"); do
		run "$a" "$format" >>"$work/A"
		[ -z "$b" ] || run "$b" "$format" >>"$work/B"
	done
	for t in A B; do
		[ -s "$work/$t" ] || continue
		if grep -q '^>' "$work/$t"; then
			printf '%-6s %-4s %10s %10s %12s\n' "$format" "$t" "> $limit" - -
			continue
		fi
		secs=$(cut -d' ' -f1 "$work/$t" | median)
		kib=$(cut -d' ' -f2 "$work/$t" | median)
		bytes=$(cut -d' ' -f3 "$work/$t" | median)
		printf '%-6s %-4s %10.2f %10.1f %12d\n' "$format" "$t" "$secs" \
		    "$(echo "$kib / 1024" | bc -l)" "$bytes"
	done
done
