#!/usr/bin/env bash
# Both programs answer --help and --version, and refuse bad usage with exit 2.
set -euo pipefail
bin=${VRAUDIT_BUILD_ROOT:?}
fail() { echo "FAIL: $*" >&2; exit 1; }

version=$(grep -m1 "version :" "${VRAUDIT_SOURCE_ROOT:?}/meson.build" | sed "s/.*'\(.*\)'.*/\1/")

out=$("$bin/vraudit" --version)
[ "$out" = "vraudit $version" ] || fail "vraudit --version said '$out'"
out=$("$bin/vrauditd" --version)
[ "$out" = "vrauditd $version" ] || fail "vrauditd --version said '$out'"

"$bin/vraudit" --help | grep -q '^usage: vraudit COMMAND' || fail "vraudit --help"
"$bin/vrauditd" --help | grep -q '^usage: vrauditd' || fail "vrauditd --help"

for cmd in scan ingest classify elements report verify migrate check-config; do
	"$bin/vraudit" --help | grep -q "^  $cmd " || fail "--help does not list $cmd"
	"$bin/vraudit" "$cmd" --help >/dev/null 2>&1 || fail "vraudit $cmd --help exits $?"
done

set +e
"$bin/vraudit" frobnicate 2>/dev/null; rc=$?
[ $rc -eq 2 ] || fail "unknown command exits $rc, not 2"
"$bin/vraudit" 2>/dev/null; rc=$?
[ $rc -eq 2 ] || fail "no command exits $rc, not 2"
"$bin/vrauditd" --no-such-option 2>/dev/null; rc=$?
[ $rc -eq 2 ] || fail "vrauditd with a bad option exits $rc, not 2"
"$bin/vrauditd" extra-argument 2>/dev/null; rc=$?
[ $rc -eq 2 ] || fail "vrauditd with an operand exits $rc, not 2"
echo "ok"
