#!/usr/bin/env bash
# The nightly report job: the timer and service are valid, the service is
# hardened (exposure 2.0 or below), runs as vraudit and writes dated
# reports under the state directory keeping the newest ones; the cron.d
# file runs the same command and reports a non-zero exit. The national
# report's timer and service, at the centre, likewise, with --central and
# the network it needs to reach the central database.
set -euo pipefail
build=${VRAUDIT_BUILD_ROOT:?}
src=${VRAUDIT_SOURCE_ROOT:?}
fail() { echo "FAIL: $*" >&2; exit 1; }

unit=$build/systemd/vraudit-report.service
cron=$build/systemd/vraudit.cron
[ -f "$unit" ] || fail "no generated unit at $unit"
[ -f "$cron" ] || fail "no generated cron file at $cron"
cmd='/.*/vraudit report -c /.*/vraudit/vraudit.conf --output-dir /var/lib/vraudit/reports --keep [0-9]* --quiet'
grep -q "^ExecStart=$cmd\$" "$unit" || fail "ExecStart: $(grep ExecStart "$unit")"
grep -q '^Type=oneshot$' "$unit" || fail "not oneshot"
grep -q '^User=vraudit$' "$unit" || fail "does not run as vraudit"
grep -q '^StateDirectory=vraudit vraudit/reports$' "$unit" || fail "no state directory"
grep -q '^SuccessExitStatus' "$unit" && fail "violations must fail the unit"
grep -q '^OnCalendar=' "$src/systemd/vraudit-report.timer" || fail "timer has no schedule"
grep -q "^[0-9*]* [0-9*]* \* \* \* vraudit $cmd || echo " "$cron" ||
	fail "cron line: $(tail -1 "$cron")"
national=$build/systemd/vraudit-national-report.service
[ -f "$national" ] || fail "no generated unit at $national"
ncmd='/.*/vraudit report -c /.*/vraudit/vraudit.conf --central --output-dir /var/lib/vraudit/reports/national --keep [0-9]* --quiet'
grep -q "^ExecStart=$ncmd\$" "$national" || fail "national ExecStart: $(grep ExecStart "$national")"
grep -q '^User=vraudit$' "$national" || fail "the national report does not run as vraudit"
grep -q '^StateDirectory=vraudit vraudit/reports vraudit/reports/national$' "$national" ||
	fail "the national report has no state directory"
grep -q '^PrivateNetwork=yes' "$national" && fail "the national report cannot reach its database"
grep -q '^RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6$' "$national" || fail "national address families"
grep -q '^OnCalendar=' "$src/systemd/vraudit-national-report.timer" || fail "national timer has no schedule"
grep -q -- "--central --output-dir /var/lib/vraudit/reports/national" "$cron" || fail "no national cron line"

if ! command -v systemd-analyze >/dev/null; then
	echo "SKIP: systemd-analyze is not installed" >&2
	exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$unit" "$src/systemd/vraudit-report.timer" "$tmp/"
systemd-analyze verify --man=no "$tmp/vraudit-report.timer" ||
	fail "systemd-analyze verify failed"
out=$(systemd-analyze security --offline=true --no-pager "$tmp/vraudit-report.service" 2>&1) || true
score=$(printf '%s\n' "$out" | sed -n 's/.*Overall exposure level for vraudit-report.service: \([0-9.]*\).*/\1/p')
[ -n "$score" ] || fail "systemd-analyze gave no score: $out"
awk -v s="$score" 'BEGIN { exit !(s <= 2.0) }' || fail "exposure $score is above 2.0"
cp "$national" "$src/systemd/vraudit-national-report.timer" "$tmp/"
systemd-analyze verify --man=no "$tmp/vraudit-national-report.timer" ||
	fail "systemd-analyze verify failed on the national report's units"
out=$(systemd-analyze security --offline=true --no-pager "$tmp/vraudit-national-report.service" 2>&1) || true
nscore=$(printf '%s\n' "$out" | sed -n 's/.*Overall exposure level for vraudit-national-report.service: \([0-9.]*\).*/\1/p')
[ -n "$nscore" ] || fail "systemd-analyze gave no score: $out"
awk -v s="$nscore" 'BEGIN { exit !(s <= 2.0) }' || fail "national exposure $nscore is above 2.0"
echo "exposure $score, national $nscore"
