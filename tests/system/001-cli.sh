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

# A bad command line gets one line naming the program and the command, and
# where to find help: never the whole usage.
expect_usage() { # PROG-NAME EXPECTED-LINE COMMAND...
	local prog=$1 line=$2 out rc
	shift 2
	out=$("$@" 2>&1 >/dev/null)
	rc=$?
	[ $rc -eq 2 ] || fail "'${*:2}' exits $rc, not 2"
	[ "$out" = "$line
Try '$prog --help'." ] || fail "'${*:2}' said: $out"
}
for cmd in scan ingest classify elements report verify migrate check-config; do
	p="vraudit $cmd"
	expect_usage "$p" "$p: unrecognized option '--nope'" "$vraudit" $cmd --nope
	expect_usage "$p" "$p: invalid option -- 'Z'" "$vraudit" $cmd -Z
	expect_usage "$p" "$p: option '--db' requires an argument" "$vraudit" $cmd --db
	expect_usage "$p" "$p: option requires an argument -- 'c'" "$vraudit" $cmd -c
	expect_usage "$p" "$p: option '--quiet' doesn't allow an argument" \
		"$vraudit" $cmd --quiet=yes
done
for cmd in classify elements report verify migrate check-config; do
	p="vraudit $cmd"
	expect_usage "$p" "$p: unexpected argument 'extra'" "$vraudit" $cmd extra
done
# --zone takes the names a configuration takes, wherever it is accepted;
# a refused one touches nothing.
for cmd in scan ingest elements; do
	out=$("$vraudit" $cmd --db "$tmp/zone.db" --zone 'bad/zone x' 127.0.0.1 2>&1)
	rc=$?
	[ $rc -eq 2 ] || fail "$cmd --zone 'bad/zone x' exits $rc, not 2"
	[ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] &&
		[[ "$out" == "vraudit $cmd: --zone: \"bad/zone x\" is not a zone name ("* ]] ||
		fail "$cmd --zone 'bad/zone x' said: $out"
	[ ! -e "$tmp/zone.db" ] || fail "$cmd with a refused --zone created the database"
done
expect_usage vraudit "vraudit: unknown command 'frobnicate'" "$vraudit" frobnicate
expect_usage vrauditd "vrauditd: unrecognized option '--nope'" "$vrauditd" --nope
expect_usage vrauditd "vrauditd: option requires an argument -- 'u'" "$vrauditd" -u
expect_usage vrauditd "vrauditd: unexpected argument 'extra'" "$vrauditd" extra
echo "ok"
