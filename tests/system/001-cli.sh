#!/usr/bin/env bash
# Both programs answer --help and --version, and refuse bad usage with exit 2.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"

version=$(grep -m1 "version :" "$src/meson.build" | sed "s/.*'\(.*\)'.*/\1/")

out=$("$vraudit" --version)
[ "$out" = "vraudit $version" ] || fail "vraudit --version said '$out'"
out=$("$vrauditd" --version)
[ "$out" = "vrauditd $version" ] || fail "vrauditd --version said '$out'"

"$vraudit" --help | grep -q '^usage: vraudit COMMAND' || fail "vraudit --help"
"$vrauditd" --help | grep -q '^usage: vrauditd' || fail "vrauditd --help"

for cmd in scan ingest classify elements report verify migrate check-config; do
	"$vraudit" --help | grep -q "^  $cmd " || fail "--help does not list $cmd"
	"$vraudit" "$cmd" --help >/dev/null 2>&1 || fail "vraudit $cmd --help exits $?"
done

set +e
"$vraudit" frobnicate 2>/dev/null; rc=$?
[ $rc -eq 2 ] || fail "unknown command exits $rc, not 2"
"$vraudit" 2>/dev/null; rc=$?
[ $rc -eq 2 ] || fail "no command exits $rc, not 2"
"$vrauditd" --no-such-option 2>/dev/null; rc=$?
[ $rc -eq 2 ] || fail "vrauditd with a bad option exits $rc, not 2"
"$vrauditd" extra-argument 2>/dev/null; rc=$?
[ $rc -eq 2 ] || fail "vrauditd with an operand exits $rc, not 2"
echo "ok"
