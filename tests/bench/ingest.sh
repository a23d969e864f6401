#!/usr/bin/env bash
# Capture ingest, side by side with its peers on one generated capture:
# a bare libpcap pcap_dispatch counting loop (the floor), tcpdump copying the
# file, tshark printing every source MAC, arpwatch, vraudit's hot path alone
# (decode + MAC table, nothing stored) and the whole `vraudit ingest` into a
# fresh database. Then the peak RSS of an ingest of 1M distinct MACs.
#
# usage: tests/bench/ingest.sh [FRAMES] [MACS]    (default 5000000 50000)
# Needs a build in build/ (scripts/lab.sh or meson setup build) and installs
# the peers (tcpdump, tshark, arpwatch, time) when missing.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${VRAUDIT_BUILD:-$top/build}
frames=${1:-5000000}
macs=${2:-50000}
work=$(mktemp -d /var/tmp/vraudit-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

need=()
for p in tcpdump tshark arpwatch time; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
ninja -C "$build" tests/bench/gen_capture tests/bench/pcap_count tests/bench/bench_passive vraudit >/dev/null

cap=$work/bench.pcap
"$build/tests/bench/gen_capture" "$cap" "$frames" "$macs"
size=$(stat -c %s "$cap")
cat "$cap" >/dev/null	# every tool reads it from the page cache

# seconds (wall) of one run of "$@", output discarded
wall() {
	local t0 t1
	t0=$(date +%s.%N)
	"$@" >/dev/null 2>&1
	t1=$(date +%s.%N)
	echo "$t1 - $t0" | bc -l
}

# best of three, to damp a noisy machine
best() {
	local b="" t
	for _ in 1 2 3; do
		t=$(wall "$@")
		if [ -z "$b" ] || [ "$(echo "$t < $b" | bc -l)" = 1 ]; then b=$t; fi
	done
	echo "$b"
}

ingest_fresh() {
	rm -f "$work/db" "$work/db-wal" "$work/db-shm"
	"$build/vraudit" ingest --quiet --db "$work/db" "$cap"
}

# Debian 12's arpwatch does not exit after reading a file with -r: it stays
# asleep. Its cost is the CPU time it spent, counted by time(1) around a
# timeout(1) that ends it once it has long gone quiet.
arpwatch_cpu() {
	: >"$work/arp.dat"
	/usr/bin/time -f '%U %S' -o "$work/arp.time" \
		timeout -s INT 30 arpwatch -Q -N -f "$work/arp.dat" -r "$cap" >/dev/null 2>&1 || true
	awk '{ print $1 + $2 }' "$work/arp.time" | tail -1
}

echo "capture: $frames frames, $macs source MACs, $((size / 1048576)) MiB, $(nproc) cores"
floor=$(best "$build/tests/bench/pcap_count" "$cap")
printf '%-34s %8s %12s %8s\n' tool seconds frames/s "x floor"
row() {
	printf '%-34s %8.2f %12.0f %8.2f\n' "$1" "$2" "$(echo "$frames / $2" | bc -l)" \
		"$(echo "$floor / $2" | bc -l)"
}
row "pcap_dispatch counting loop" "$floor"
row "vraudit hot path (nothing stored)" "$(best "$build/tests/bench/bench_passive" "$cap")"
row "vraudit ingest (fresh database)" "$(best ingest_fresh)"
row "tcpdump -r FILE -w /dev/null" "$(best tcpdump -r "$cap" -w /dev/null)"
row "arpwatch -r FILE (CPU time)" "$(arpwatch_cpu)"
row "tshark -r FILE -T fields -e eth.src" "$(wall tshark -r "$cap" -T fields -e eth.src)"

# Peak memory with 1M distinct MACs (each seen twice).
"$build/tests/bench/gen_capture" "$cap" 2000000 1000000
rm -f "$work/db"*
/usr/bin/time -f '%M' -o "$work/rss" "$build/vraudit" ingest --quiet --db "$work/db" "$cap" >/dev/null
echo "peak RSS, 1M distinct MACs: $(( $(cat "$work/rss") / 1024 )) MiB"
