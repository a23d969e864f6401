#!/usr/bin/env bash
# Two builds of vraudit side by side in one run, on the same inputs, runs
# interleaved (A, B, A, B, ...) so that a noisy machine weighs on both
# alike: capture ingest into a fresh database and into a known inventory,
# the capture hot path alone, the store creating new elements, and a sweep
# of the bundled lab's agents. Prints the median of each and B's time as a
# ratio of A's (below 1: B is faster).
#
# usage: tests/bench/ab.sh BUILD_A BUILD_B [ROUNDS] [FRAMES] [MACS]
#        (default 5 rounds, 2000000 frames, 50000 MACs)
# Each build directory must hold vraudit and the benches (tests enabled);
# the sweep uses snmpsimd on loopback (skipped, and said so, without it).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -ge 2 ] || { echo "usage: ab.sh BUILD_A BUILD_B [ROUNDS] [FRAMES] [MACS]" >&2; exit 2; }
a=$(cd "$1" && pwd)
b=$(cd "$2" && pwd)
rounds=${3:-5}
frames=${4:-2000000}
macs=${5:-50000}
work=$(mktemp -d /var/tmp/vraudit-ab.XXXXXX)
chmod 755 "$work"	# snmpsimd runs as another user
trap 'bash "$top/tests/lib/snmpsim.sh" stop "$work/sim" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

for d in "$a" "$b"; do
	for f in vraudit tests/bench/bench_passive tests/bench/bench_store; do
		[ -x "$d/$f" ] || { echo "ab.sh: $d/$f missing" >&2; exit 2; }
	done
done
cap=$work/bench.pcap
"$a/tests/bench/gen_capture" "$cap" "$frames" "$macs"
cat "$cap" >/dev/null

# seconds (wall) of one run of "$@", output discarded
wall() {
	local t0 t1
	t0=$(date +%s.%N)
	"$@" >/dev/null 2>&1 || { echo "ab.sh: failed: $*" >&2; exit 1; }
	t1=$(date +%s.%N)
	echo "$t1 - $t0" | bc -l
}

fresh() {
	rm -f "$work/$2.db" "$work/$2.db-wal" "$work/$2.db-shm"
	"$1/vraudit" ingest --quiet --db "$work/$2.db" "$cap"
}
known() { "$1/vraudit" ingest --quiet --db "$work/$2.db" "$cap"; }
hot() { "$1/tests/bench/bench_passive" "$cap"; }
store() {
	mkdir -p "$work/store-$2"
	rm -f "$work/store-$2"/*
	"$1/tests/bench/bench_store" "$work/store-$2" "$macs"
}

sweep_ready=false
if command -v snmpsimd >/dev/null && command -v snmpget >/dev/null; then
	# The lab's agents, one per address as scripts/lab.sh serves them, on
	# addresses of their own (127.9.x.y) not to meet a running lab.
	args=()
	for f in "$top"/conf/lab/agents/*.snmprec; do
		addr=$(basename "$f")
		addr=${addr%%_*}
		args+=("${addr/127.0./127.9.}:16200" "$f")
	done
	if bash "$top/tests/lib/snmpsim.sh" start "$work/sim" "${args[@]}" >/dev/null 2>&1; then
		sweep_ready=true
	fi
fi
sweep() {
	rm -f "$work/$2-scan.db"*
	"$1/vraudit" scan --quiet --db "$work/$2-scan.db" --community public \
	    --port 16200 --timeout 500ms --retries 0 127.9.10.0/28 \
	    127.9.20.0/28 127.9.30.0/28 127.9.40.0/28
}

benches="fresh known hot store"
$sweep_ready && benches="$benches sweep"
for bench in $benches; do
	: >"$work/$bench.A"
	: >"$work/$bench.B"
done
for r in $(seq "$rounds"); do
	for bench in $benches; do
		wall "$bench" "$a" A >>"$work/$bench.A"
		wall "$bench" "$b" B >>"$work/$bench.B"
	done
done

median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo "A: $a"
echo "B: $b"
echo "capture: $frames frames, $macs MACs; $rounds rounds each, interleaved; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-40s %10s %10s %8s\n' bench "A median" "B median" "B / A"
label() {
	case $1 in
	fresh) echo "vraudit ingest (fresh database)" ;;
	known) echo "vraudit ingest (inventory known)" ;;
	hot) echo "capture hot path (nothing stored)" ;;
	store) echo "bench_store ($macs new elements, 2 runs)" ;;
	sweep) echo "vraudit scan (the lab's 42 agents)" ;;
	esac
}
for bench in $benches; do
	ma=$(median "$work/$bench.A")
	mb=$(median "$work/$bench.B")
	printf '%-40s %10.3f %10.3f %8.2f\n' "$(label "$bench")" "$ma" "$mb" "$(echo "$mb / $ma" | bc -l)"
done
$sweep_ready || echo "(no sweep: snmpsimd or snmpget missing, or the agents did not start)"
