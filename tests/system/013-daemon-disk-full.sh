#!/usr/bin/env bash
# A full disk under vrauditd: the database on a 2 MiB tmpfs, filled up
# while frames arrive. The daemon logs the failed write and keeps running
# and capturing; once space is freed it writes again, the sightings it kept
# in memory arrive, and the database passes integrity_check.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
caps=$fixtures/captures
. "$src/tests/lib/daemon.sh"
daemon_test_init "tmpfs, network namespace, live capture" tcpreplay
mounted=
# The daemon holds the database open: it goes first.
at_exit 'daemon_kill; [ -z "$mounted" ] || umount "$tmp/state"'
db=$tmp/state/full.db

veth_setup "$n"
mkdir -p "$tmp/state" "$tmp/etc"
mount -t tmpfs -o size=2m,mode=0755 tmpfs "$tmp/state" || skip "cannot mount a tmpfs"
mounted=1
cat >"$tmp/etc/vraudit.conf" <<CONF
[database]
path = $db
[capture mirror]
interface = vra-$n
CONF
chown -R nobody:nogroup "$tmp/state" "$tmp/etc"

notify_listen "$tmp/notify.sock" "$tmp/notify.log"
NOTIFY_SOCKET=$tmp/notify.sock "$vrauditd" -f -c "$tmp/etc/vraudit.conf" --user nobody \
	2>"$tmp/daemon.log" &
daemon_pid=$!
wait_ready "$tmp/notify.log" "$daemon_pid" "$tmp/daemon.log"
session() { [ "$(q "SELECT count(*) FROM scans WHERE kind = 'capture'")" = 1 ]; }
wait_for "the capture session's row" session

# Fill the file system to the last block.
dd if=/dev/zero of="$tmp/state/fill" bs=4k >/dev/null 2>&1 || true
[ "$(df --output=avail "$tmp/state" | tail -1 | tr -d ' ')" -lt 8 ] || fail "tmpfs not full"

ip netns exec "vrt-$n" tcpreplay -q -t -i "vrb-$n" \
	"$caps/tcpdump_LLDP_and_CDP.pcap" "$caps/tcpdump_erspan-type-i-1_huawei-mac.pcap" \
	>"$tmp/tcpreplay.log" 2>&1 || fail "tcpreplay: $(cat "$tmp/tcpreplay.log")"
failed() { grep -q 'store: cannot write: .*full' "$tmp/daemon.log"; }
wait_for "the daemon to report the full disk" failed
daemon_alive "$daemon_pid" "$tmp/daemon.log"
[ "$(q "SELECT count(*) FROM inventory WHERE mac = '00:25:9e:81:b3:54'")" = 0 ] ||
	fail "written although the disk was full"
# Still capturing while it cannot write: more frames are taken in.
ip netns exec "vrt-$n" tcpreplay -q -t -i "vrb-$n" "$caps/tcpdump_3560_CDP.pcap" \
	>"$tmp/tcpreplay.log" 2>&1 || fail "tcpreplay: $(cat "$tmp/tcpreplay.log")"
daemon_alive "$daemon_pid" "$tmp/daemon.log"

# Space again: the queued sightings arrive.
rm -f "$tmp/state/fill"
arrived() {
	[ "$(q "SELECT vendor || '|' || risk FROM inventory WHERE mac = '00:25:9e:81:b3:54'")" = "huawei|high" ] &&
		[ "$(q "SELECT vendor FROM inventory WHERE sys_name = 'S1.cisco.com'")" = cisco ] &&
		[ "$(q "SELECT count(*) FROM inventory WHERE mac = '00:19:06:ea:b8:85'")" = 1 ]
}
wait_for "the queued sightings after space was freed" arrived
grep -q 'store: writing again' "$tmp/daemon.log" || fail "recovery not logged"
[ "$(grep -c 'store: cannot write' "$tmp/daemon.log")" = 1 ] || fail "the failure was logged more than once"

daemon_stop
[ "$(q 'PRAGMA integrity_check')" = ok ] || fail "integrity_check"
[ "$(q "SELECT status FROM scans WHERE kind = 'capture'")" = complete ] || fail "capture session not complete"
[ -z "${VRAUDIT_TEST_VERBOSE:-}" ] || cat "$tmp/daemon.log"
echo "ok: full disk reported, sightings kept and written once space was back"
