#!/bin/sh
# Build the libFuzzer targets with clang and run each for a bounded time
# over a seed corpus extracted from tests/fixtures/captures.
#
#   tests/fuzz/run.sh [SECONDS]        default 60 seconds per target
#
# FUZZ_BUILD   build directory (default: build-fuzz in the source tree)
# FUZZ_OUT     where crash inputs and logs go (default: $FUZZ_BUILD/fuzz-out)
# FUZZ_TARGETS targets to run (default: all)
set -eu

secs=${1:-60}
case $secs in
''|*[!0-9]*) echo "usage: $0 [SECONDS]" >&2; exit 2 ;;
esac

src=$(cd "$(dirname "$0")/../.." && pwd)
build=${FUZZ_BUILD:-$src/build-fuzz}
out=${FUZZ_OUT:-$build/fuzz-out}
targets=${FUZZ_TARGETS:-frames lldp cdp arp dhcp gre app tls mdns passive control savefile}

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
trap 'rm -rf "$work"' EXIT INT TERM
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

failed=0
for t in $targets; do
	mkdir -p "$work/$t"
	log=$out/$t.log
	printf '%-8s %3s seeds, %ss: ' "$t" "$(ls "$work/$t" | wc -l)" "$secs"
	if "$build/tests/fuzz/fuzz_$t" -max_total_time="$secs" \
	    -print_final_stats=1 -artifact_prefix="$out/$t-" \
	    -rss_limit_mb=1024 -timeout=10 "$work/$t" >"$log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		echo "ok, $runs executions"
	else
		echo "FAILED, see $log"
		failed=1
	fi
done
exit $failed
