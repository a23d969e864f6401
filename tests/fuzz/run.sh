#!/bin/sh
# Build the libFuzzer targets with clang and run each for a bounded time
# over a seed corpus extracted from tests/fixtures/captures.
#
#   tests/fuzz/run.sh [SECONDS]        default 60 seconds per target
#
# FUZZ_BUILD   build directory (default: build-fuzz in the source tree)
# FUZZ_OUT     where crash inputs and logs go (default: $FUZZ_BUILD/fuzz-out)
# FUZZ_TARGETS targets to run (default: all)
# FUZZ_JOBS    how many targets run at once (default 2)
set -eu

secs=${1:-60}
case $secs in
''|*[!0-9]*) echo "usage: $0 [SECONDS]" >&2; exit 2 ;;
esac

src=$(cd "$(dirname "$0")/../.." && pwd)
build=${FUZZ_BUILD:-$src/build-fuzz}
out=${FUZZ_OUT:-$build/fuzz-out}
targets=${FUZZ_TARGETS:-frames lldp cdp arp dhcp gre app tls mdns passive control savefile copy}

if [ ! -f "$build/build.ninja" ]; then
	CC=clang meson setup "$build" "$src" -Dfuzz=true \
	    -Db_sanitize=address,undefined -Db_lundef=false
fi
fuzz_bins=
for t in $targets corpus; do
	fuzz_bins="$fuzz_bins tests/fuzz/fuzz_$t"
done
# shellcheck disable=SC2086
ninja -j2 -C "$build" $fuzz_bins

work=$(mktemp -d)
# Targets still running are stopped with the script.
pids=
# shellcheck disable=SC2317
cleanup() {
	if [ -n "$pids" ]; then
		# shellcheck disable=SC2086,SC2317
		kill $pids 2>/dev/null || :
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
mkdir -p "$out"

caps=$src/tests/fixtures/captures
"$build/tests/fuzz/fuzz_corpus" "$work" "$caps"/*.pcap \
    "$caps"/malformed/*.pcap "$caps"/malformed/*.raw

# The control path's filter is held to the frame decoders: their seeds.
if [ -d "$work/frames" ]; then
	mkdir -p "$work/control"
	cp -R "$work/frames/." "$work/control/"
fi

# The pcap reader reads whole files: the captures are its seeds.
mkdir -p "$work/savefile"
cp "$caps"/*.pcap "$caps"/malformed/*.pcap "$work/savefile/"

# The COPY row decoder: rows as the central database writes them.
mkdir -p "$work/copy"
printf '1\tcore-1\t\\N\n' >"$work/copy/plain"
printf 'a\\tb\\nc\\\\d\t\\101\\x42\t\n' >"$work/copy/escapes"
printf '\\N\n' >"$work/copy/null"

# libFuzzer is single-threaded: FUZZ_JOBS targets (default 2) run at once,
# each for the whole SECONDS; the results are printed in target order.
jobs=${FUZZ_JOBS:-2}
case $jobs in
''|*[!0-9]*|0) echo "$0: FUZZ_JOBS must be a positive number" >&2; exit 2 ;;
esac

# Starts target $1 in the background; its seed count is taken first, as
# libFuzzer adds what it finds to the same directory.
start() {
	mkdir -p "$work/$1"
	# shellcheck disable=SC2012
	ls "$work/$1" | wc -l >"$work/$1.seeds"
	"$build/tests/fuzz/fuzz_$1" -max_total_time="$secs" \
	    -print_final_stats=1 -artifact_prefix="$out/$1-" \
	    -rss_limit_mb=1024 -timeout=10 "$work/$1" >"$out/$1.log" 2>&1 &
	pids="$pids $!"
}

# Waits for the targets started, in order, and prints one line for each.
finish() {
	# shellcheck disable=SC2086
	set -- $pids
	for t in $batch; do
		log=$out/$t.log
		printf '%-8s %3s seeds, %ss: ' "$t" "$(cat "$work/$t.seeds")" \
		    "$secs"
		if wait "$1"; then
			runs=$(sed -n 's/^stat::number_of_executed_units: *//p' \
			    "$log")
			echo "ok, $runs executions"
		else
			echo "FAILED, see $log"
			failed=1
		fi
		shift
	done
	pids=
	batch=
}

failed=0
batch=
n=0
for t in $targets; do
	start "$t"
	batch="$batch $t"
	n=$((n + 1))
	if [ "$n" -ge "$jobs" ]; then
		finish
		n=0
	fi
done
finish
exit $failed
