#!/usr/bin/env bash
# Capture ingest, side by side with its peers on one generated capture:
# a bare libpcap pcap_dispatch counting loop (the floor), tcpdump copying the
# file, tshark printing every source MAC, arpwatch, vraudit's hot path alone
# (decode + MAC table, nothing stored), the whole `vraudit ingest` into a
# fresh database (every MAC new: the store's worst case), and again into
# the database it made (every MAC known: the steady state of a mirror port
# ingested day after day). Then the peak RSS of an ingest of 1M distinct
# MACs.
#
# usage: tests/bench/ingest.sh [FRAMES] [MACS]    (default 5000000 50000)
# Needs root (unshare -n), a build in build/ (scripts/lab.sh or meson setup
# build), and installs the peers (tcpdump, tshark, arpwatch, time) when
# missing.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${VRAUDIT_BUILD:-$top/build}
frames=${1:-5000000}
macs=${2:-50000}
work=$(mktemp -d /var/tmp/vraudit-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

need=()
for p in tcpdump tshark arpwatch time bc sqlite3; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
ninja -C "$build" tests/bench/gen_capture tests/bench/pcap_count tests/bench/bench_passive \
	tests/bench/bench_store vraudit >/dev/null

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

ingest_again() {
	"$build/vraudit" ingest --quiet --db "$work/db" "$cap"
}

# arpwatch looks every new station's address up in the DNS, and waits on
# each lookup: run it (and tshark) in a network namespace of its own, with
# no network at all, so that lookups fail at once and nothing leaves this
# machine. -Q: no mail; -N: no bogon reports.
arpwatch_run() {
	: >"$work/arp.dat"
	unshare -n arpwatch -Q -N -f "$work/arp.dat" -r "$cap"
}

echo "capture: $frames frames, $macs source MACs, $((size / 1048576)) MiB, $(nproc) cores"
floor=$(best "$build/tests/bench/pcap_count" "$cap")
printf '%-34s %8s %12s %8s\n' tool seconds frames/s "x floor"
row() {
	printf '%-34s %8.2f %12.0f %8.2f\n' "$1" "$2" "$(echo "$frames / $2" | bc -l)" \
		"$(echo "$floor / $2" | bc -l)"
}
row "pcap_dispatch counting loop" "$floor"
row "  the same, stream unlocked" "$(best "$build/tests/bench/pcap_count" --unlocked "$cap")"
row "vraudit hot path (nothing stored)" "$(best "$build/tests/bench/bench_passive" "$cap")"
row "vraudit ingest (fresh database)" "$(best ingest_fresh)"
row "vraudit ingest (inventory known)" "$(best ingest_again)"
"$build/vraudit" ingest --db "$work/db" "$cap" | sed -n 's/^elements: */  ingest again: elements /p'
echo "  database after ingest: $(sqlite3 "$work/db" 'SELECT count(*) FROM inventory') elements"
row "tcpdump -r FILE -w /dev/null" "$(best tcpdump -r "$cap" -w /dev/null)"
row "arpwatch -r FILE" "$(best arpwatch_run)"
row "tshark -n -r FILE -T fields -e eth.src" "$(wall unshare -n tshark -n -r "$cap" -T fields -e eth.src)"

# What creating that many elements costs the store alone, against the time
# the 0.8x target leaves for the whole ingest.
printf 'at 0.8x of the floor, the whole ingest has %.2f s; the store alone:\n' \
	"$(echo "$floor / 0.8" | bc -l)"
"$build/tests/bench/bench_store" "$work" "$macs" | sed 's/^/  /'

# Peak memory with 1M distinct MACs (each seen twice), into a fresh
# database, then again with all of them known.
"$build/tests/bench/gen_capture" "$cap" 2000000 1000000
rm -f "$work/db"*
for run in "fresh database" "inventory known"; do
	/usr/bin/time -f '%M %e' -o "$work/rss" "$build/vraudit" ingest --quiet --db "$work/db" "$cap" >/dev/null
	read -r kib secs <"$work/rss"
	echo "peak RSS, 1M distinct MACs, $run: $((kib / 1024)) MiB ($secs s)"
done
