#!/usr/bin/env bash
# Run the whole test suite: a plain build and an ASan+UBSan build, each with
# every unit and system test; then every other build a user may make (gcc
# and clang, debug, release and sanitizers), warnings as errors; then the
# fuzz targets for a bounded time. Ends with one line "N passed, N failed"
# (a build that fails counts as one failure).
# Usage: scripts/test.sh [meson test arguments, e.g. a suite or test name]
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

bash scripts/install-deps.sh || { echo "test: installing dependencies failed" >&2; exit 3; }

export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
jobs=$(nproc 2>/dev/null || echo 2)

setup() {
	local dir=$1
	shift
	if [ -f "$dir/build.ninja" ]; then
		meson setup --reconfigure "$dir" "$@" >"$dir.setup.log" 2>&1
	else
		rm -rf "$dir"
		meson setup "$dir" "$@" >"$dir.setup.log" 2>&1
	fi || { cat "$dir.setup.log" >&2; return 1; }
}

status=0
logs=()
build_failed=0
# Tests run in two builds; warnings are errors in every build made here.
for variant in plain asan; do
	dir=build-test-$variant
	case $variant in
	plain) opts=(-Dwerror=true) ;;
	asan) opts=(-Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false) ;;
	esac
	echo "== $variant build" >&2
	if ! setup "$dir" "${opts[@]}" || ! ninja -C "$dir" -j "$jobs" >"$dir.build.log" 2>&1; then
		cat "$dir.build.log" >&2 2>/dev/null
		echo "test: the $variant build failed" >&2
		echo "0 passed, 1 failed"
		exit 1
	fi
	rm -f "$dir/meson-logs/testlog.json"
	meson test -C "$dir" --no-rebuild --print-errorlogs --num-processes "$jobs" "$@" >&2 || status=1
	logs+=("$dir/meson-logs/testlog.json")
done

# Every other build a user may make must build too, with gcc and clang:
# debug, release (-O3 sees what -O2 does not) and the sanitizers.
if [ $# -eq 0 ]; then
	for variant in gcc-debug gcc-release clang-debug clang-release clang-asan; do
		dir=build-test-$variant
		cc=${variant%%-*}
		case $variant in
		*-debug) opts=(--buildtype=debug) ;;
		*-release) opts=(--buildtype=release) ;;
		*-asan) opts=(-Db_sanitize=address,undefined -Db_lundef=false) ;;
		esac
		echo "== $variant build" >&2
		if ! CC=$cc setup "$dir" -Dwerror=true "${opts[@]}" ||
		    ! ninja -C "$dir" -j "$jobs" >"$dir.build.log" 2>&1; then
			cat "$dir.build.log" >&2 2>/dev/null
			echo "test: the $variant build failed" >&2
			build_failed=$((build_failed + 1))
			status=1
		fi
	done
fi

fuzz_ok=0
fuzz_failed=0
if [ -f tests/fuzz/run.sh ] && [ $# -eq 0 ]; then
	echo "== fuzz targets (${VRAUDIT_FUZZ_SECONDS:-20} s each)" >&2
	FUZZ_BUILD=$top/build-test-fuzz sh tests/fuzz/run.sh "${VRAUDIT_FUZZ_SECONDS:-20}" \
		>build-test-fuzz.log 2>&1 || status=1
	cat build-test-fuzz.log >&2
	fuzz_ok=$(grep -c ': ok, ' build-test-fuzz.log || true)
	fuzz_failed=$(grep -c ': FAILED' build-test-fuzz.log || true)
	# A fuzz build that did not even start counts as one failure.
	if [ "$fuzz_ok" -eq 0 ] && [ "$fuzz_failed" -eq 0 ]; then
		fuzz_failed=1
	fi
fi
export fuzz_ok fuzz_failed build_failed

python3 - "${logs[@]}" <<'PY'
import json, os, sys
passed = int(os.environ.get("fuzz_ok", "0"))
failed = int(os.environ.get("fuzz_failed", "0")) + int(os.environ.get("build_failed", "0"))
skipped = 0
for path in sys.argv[1:]:
    try:
        lines = open(path).read().splitlines()
    except OSError:
        failed += 1
        continue
    for line in lines:
        if not line.strip():
            continue
        r = json.loads(line).get("result")
        if r in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif r == "SKIP":
            skipped += 1
        else:
            failed += 1
tail = f", {skipped} skipped" if skipped else ""
print(f"{passed} passed, {failed} failed{tail}")
sys.exit(1 if failed else 0)
PY
py=$?
[ $py -ne 0 ] && status=1
exit $status
