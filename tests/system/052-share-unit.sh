#!/usr/bin/env bash
# zone_share's share and max_share are in the unit vraudit-schema(7) gives
# them: percent, 0 to 100. Half of a zone's elements from a covered vendor
# read 50, against the pack's 35% cap read 35.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
require sqlite3 groff col

# What the manual says of the two columns.
groff -man -Tutf8 "$src/man/vraudit-schema.7" 2>/dev/null | col -b >"$tmp/schema.txt"
awk '/^ *zone_share$/ { on = 1 } on && /^ *policy_clock$/ { exit } on' "$tmp/schema.txt" |
	tr -s ' \t\n' ' ' >"$tmp/zone_share.txt"
[ -s "$tmp/zone_share.txt" ] || fail "vraudit-schema(7) has no zone_share section"
share_doc=$(grep -oE ' share high_risk / elements [^.]*' "$tmp/zone_share.txt" || true)
cap_doc=$(grep -oE ' max_share The most the rule allows[^;]*' "$tmp/zone_share.txt" || true)
case $share_doc in
*"in percent, from 0 to 100"*) ;;
*) fail "vraudit-schema(7) does not give share in percent: '$share_doc'" ;;
esac
case $cap_doc in
*"in percent from 0 to 100"*) ;;
*) fail "vraudit-schema(7) does not give max_share in percent: '$cap_doc'" ;;
esac
if grep -qE 'from 0 to 1[^0-9]' "$tmp/zone_share.txt"; then
	fail "vraudit-schema(7) still gives a share from 0 to 1"
fi

# What the view holds: the capture shows a Huawei MAC and one other, both
# in the RAN; the UK pack caps Huawei at 35% there.
cat >"$tmp/vraudit.conf" <<CONF
[database]
path = share.db
[policy]
packs = uk-dvd-2022
dir = $src/conf/policies
CONF
db=$tmp/share.db
"$vraudit" ingest -c "$tmp/vraudit.conf" --zone ran --quiet \
	"$fixtures/captures/tcpdump_erspan-type-i-1_huawei-mac.pcap" >"$tmp/out" 2>"$tmp/err" ||
	fail "ingest exited $?: $(cat "$tmp/err")"
row=$(q "SELECT elements, high_risk, share, max_share, status FROM zone_share
	WHERE policy = 'uk-dvd-2022' AND rule = 'ran-cap'")
[ "$row" = "2|1|50.0|35.0|violated" ] || fail "zone_share ran-cap: '$row' (want 2|1|50.0|35.0|violated)"
# The unit holds for every row: share = 100 * high_risk / elements.
bad=$(q "SELECT rule || '/' || zone FROM zone_share
	WHERE abs(share - CASE WHEN elements = 0 THEN 0 ELSE 100.0 * high_risk / elements END) > 1e-9
	   OR max_share < 0 OR max_share > 100")
[ -z "$bad" ] || fail "zone_share rows not in percent: $bad"
