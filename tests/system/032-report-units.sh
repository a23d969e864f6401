#!/usr/bin/env bash
# The nightly report job: the timer and service are valid, the service is
# hardened (exposure 2.0 or below), runs as vraudit and writes dated
# reports under the state directory keeping the newest ones; the cron.d
# file runs the same command and reports a non-zero exit.
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
echo "exposure $score"
