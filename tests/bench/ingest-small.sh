#!/usr/bin/env bash
# Ingest of small frames with the inventory known, against the bare libpcap
# loop (results go to BENCHMARKS.md, "Line rate"). Two captures of the same
# network a day apart (tests/lib/flood.py): FRAMES frames of 60 bytes from
# MACS source MACs and 1% ARP requests from as many other hosts; on the
# second day every ARP host has a new address (DHCP churn). The database
# holds the first day. Timed, median and fastest of ROUNDS interleaved runs:
#   - the floor: tests/bench/pcap_count (a bare pcap_dispatch loop), with
#     the file's stream unlocked as vraudit reads it;
#   - vraudit ingest of the first day again (nothing new: the steady state);
#   - vraudit ingest of the second day (each ARP host's new address is news);
# and, with OLD=BUILD_DIR, the two ingests of that build beside them.
#
# usage: tests/bench/ingest-small.sh [FRAMES] [MACS] [ROUNDS]  (default 5000000 50000 3)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${VRAUDIT_BUILD:-$top/build}
old=${OLD:-}
frames=${1:-5000000}
macs=${2:-50000}
rounds=${3:-3}
arps=$((frames / 100))
work=$(mktemp -d /var/tmp/vraudit-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
ninja -C "$build" vraudit tests/bench/pcap_count >/dev/null

python3 "$top/tests/lib/flood.py" "$work/day1.pcap" "$frames" "$macs" 0 "$arps"
python3 "$top/tests/lib/flood.py" --shift 1 "$work/day2.pcap" "$frames" "$macs" 0 "$arps"
# Each build its own database of the first day: a build refuses a newer
# schema, and an older one is not what it would read.
"$build/vraudit" ingest --quiet --db "$work/known-new.db" "$work/day1.pcap" >/dev/null
[ -z "$old" ] || "$old/vraudit" ingest --quiet --db "$work/known-old.db" "$work/day1.pcap" >/dev/null
cat "$work/day1.pcap" "$work/day2.pcap" >/dev/null # from the page cache

wall() {
	local t0 t1
	t0=$(date +%s.%N)
	"$@" >/dev/null 2>"$work/err" || { echo "ingest-small.sh: $*: $(cat "$work/err")" >&2; exit 1; }
	t1=$(date +%s.%N)
	echo "$t1 - $t0" | bc
}
# ingest BUILD DAY new|old: one ingest into a copy of that build's
# database of the first day; fails the benchmark when the ingest fails
ingest() {
	cp "$work/known-$3.db" "$work/run.db"
	# The copy written out first: the ingest's first sync is not to wait
	# for the benchmark's own 100 MB.
	sync "$work/run.db"
	wall "$1/vraudit" ingest --quiet --db "$work/run.db" "$work/$2.pcap"
}
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
least() { sort -n | head -1; }

declare -A t
names=(floor same churn)
[ -z "$old" ] || names+=(old_same old_churn)
for r in $(seq "$rounds"); do
	t[floor]+="$(wall "$build/tests/bench/pcap_count" --unlocked "$work/day1.pcap") "
	t[same]+="$(ingest "$build" day1 new) "
	t[churn]+="$(ingest "$build" day2 new) "
	if [ -n "$old" ]; then
		t[old_same]+="$(ingest "$old" day1 old) "
		t[old_churn]+="$(ingest "$old" day2 old) "
	fi
done

echo "machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "captures: $frames frames of 60 bytes, $macs MACs, $arps ARP hosts; median of $rounds rounds"
floor=$(printf '%s\n' ${t[floor]} | median)
floor_min=$(printf '%s\n' ${t[floor]} | least)
# The median, and the fastest round: what a round costs when the host's
# neighbours take nothing from either core (the floor uses one, an
# ingest two).
printf '%-46s %8s %12s %8s %8s %8s\n' "run" "seconds" "frames/s" "x floor" "fastest" "x floor"
for k in "${names[@]}"; do
	case $k in
	floor) label="pcap_dispatch counting loop (stream unlocked)" ;;
	same) label="vraudit ingest, inventory known" ;;
	churn) label="vraudit ingest, known, 1% ARP with new addresses" ;;
	old_same) label="  the same, OLD build" ;;
	old_churn) label="  the churn, OLD build" ;;
	esac
	s=$(printf '%s\n' ${t[$k]} | median)
	m=$(printf '%s\n' ${t[$k]} | least)
	printf '%-46s %8.3f %12.0f %8.2f %8.3f %8.2f\n' "$label" "$s" "$(echo "$frames / $s" | bc)" \
		"$(echo "$floor / $s" | bc -l)" "$m" "$(echo "$floor_min / $m" | bc -l)"
done
