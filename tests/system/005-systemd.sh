#!/usr/bin/env bash
# The installed unit is hardened: systemd-analyze rates its exposure at 2.0
# or below, and it runs as the unprivileged user the sysusers file creates.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"

unit=$build/systemd/vrauditd.service
[ -f "$unit" ] || fail "no generated unit at $unit"
grep -q '^ExecStart=/.*/vrauditd -c /.*/vraudit/vraudit.conf$' "$unit" || fail "ExecStart not substituted"
grep -q '^Type=notify$' "$unit" || fail "unit is not Type=notify"
grep -q '^User=vraudit$' "$unit" || fail "unit does not run as vraudit"
grep -q '^u vraudit ' "$src/systemd/vraudit.sysusers" || fail "sysusers does not create vraudit"

# What the file says is checked above; its rating needs systemd-analyze.
require systemd-analyze
cp "$unit" "$tmp/vrauditd.service"
out=$(systemd-analyze security --offline=true --no-pager "$tmp/vrauditd.service" 2>&1) || true
score=$(printf '%s\n' "$out" | sed -n 's/.*Overall exposure level for vrauditd.service: \([0-9.]*\).*/\1/p')
[ -n "$score" ] || fail "systemd-analyze gave no score: $out"
awk -v s="$score" 'BEGIN { exit !(s <= 2.0) }' || fail "exposure $score is above 2.0"
echo "exposure $score"
