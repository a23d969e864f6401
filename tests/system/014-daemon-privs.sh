#!/usr/bin/env bash
# vrauditd started as root: it opens its capture, then runs as the user
# given with --user, with no capability left but CAP_NET_RAW, while still
# capturing, and reopens an interface that went away and came back.
# Without a capture it keeps no capability at all. A user that does not
# exist and a database that user cannot write are refused with a message
# saying what to do.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
caps=$fixtures/captures
. "$src/tests/lib/daemon.sh"
daemon_test_init "privilege drop, live capture" tcpreplay
db=$tmp/state/privs.db

veth_setup "$n"
mkdir -p "$tmp/state" "$tmp/etc"
cat >"$tmp/etc/vraudit.conf" <<CONF
[database]
path = $db
[capture mirror]
interface = vra-$n
CONF

# No such user: a clear refusal, before anything is written.
rc=0
"$vrauditd" -f -c "$tmp/etc/vraudit.conf" --user vraudit-no-such-user 2>"$tmp/err" || rc=$?
[ $rc -ne 0 ] || fail "started with a user that does not exist"
grep -q 'vraudit-no-such-user: no such user' "$tmp/err" || fail "message: $(cat "$tmp/err")"
[ ! -e "$db" ] || fail "the database was created anyway"

# A database directory the user cannot write: say so.
chown root:root "$tmp/state"
chmod 755 "$tmp/state"
rc=0
"$vrauditd" -f -c "$tmp/etc/vraudit.conf" --user nobody 2>"$tmp/err" || rc=$?
[ $rc -ne 0 ] || fail "started with a database nobody cannot write"
grep -q 'must be writable by nobody' "$tmp/err" || fail "message: $(cat "$tmp/err")"

# The real thing.
chown -R nobody:nogroup "$tmp/state" "$tmp/etc"
notify_listen "$tmp/notify.sock" "$tmp/notify.log"
NOTIFY_SOCKET=$tmp/notify.sock "$vrauditd" -f -c "$tmp/etc/vraudit.conf" --user nobody \
	2>"$tmp/daemon.log" &
daemon_pid=$!
wait_ready "$tmp/notify.log" "$daemon_pid" "$tmp/daemon.log"
status=/proc/$daemon_pid/status
uid=$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "$status")
[ "$uid" = "65534 65534 65534 65534" ] || fail "Uid: $uid"
gid=$(awk '/^Gid:/ { print $2, $3, $4, $5 }' "$status")
[ "$gid" = "$(id -g nobody) $(id -g nobody) $(id -g nobody) $(id -g nobody)" ] || fail "Gid: $gid"
[ "$(awk '/^Groups:/ { print $2 }' "$status")" = "$(id -g nobody)" ] || fail "supplementary groups: $(grep Groups "$status")"
caps_are() {	# caps_are STATUS-FILE MASK: every set but the inheritable one
	for cap in CapEff CapPrm CapBnd; do
		[ "$(awk "/^$cap:/ { print \$2 }" "$1")" = "$2" ] || fail "$cap: $(grep "$cap" "$1")"
	done
	[ "$(awk '/^CapInh:/ { print $2 }' "$1")" = 0000000000000000 ] || fail "$(grep CapInh "$1")"
}
caps_are "$status" 0000000000002000	# CAP_NET_RAW (13) alone
[ "$(stat -c %U "$db")" = nobody ] || fail "database owned by $(stat -c %U "$db")"

# The capture opened as root still works as nobody.
ip netns exec "vrt-$n" tcpreplay -q -t -i "vrb-$n" "$caps/tcpdump_erspan-type-i-1_huawei-mac.pcap" \
	>"$tmp/tcpreplay.log" 2>&1 || fail "tcpreplay: $(cat "$tmp/tcpreplay.log")"
seen() { [ "$(q "SELECT risk FROM inventory WHERE mac = '00:25:9e:81:b3:54'")" = high ]; }
wait_for "the frame captured after the drop" seen

# The interface goes away and comes back: reopened as nobody.
veth_cleanup "$n"
closed() { [ "$(q "SELECT count(*) FROM scans WHERE kind = 'capture' AND status = 'failed'")" = 1 ]; }
wait_for "the session to close as failed" closed
veth_setup "$n"
reopened() { [ "$(q "SELECT count(*) FROM scans WHERE kind = 'capture' AND status = 'running'")" = 1 ] &&
	[ "$(q "SELECT count(*) FROM scans WHERE kind = 'capture'")" = 2 ]; }
wait_for "the interface to be reopened" reopened
ip netns exec "vrt-$n" tcpreplay -q -t -i "vrb-$n" "$caps/lldpd_sg200.pcap" \
	>"$tmp/tcpreplay.log" 2>&1 || fail "tcpreplay: $(cat "$tmp/tcpreplay.log")"
lldp_seen() { [ "$(q "SELECT count(*) FROM element_source WHERE source = 'lldp'")" -ge 1 ]; }
wait_for "frames captured after the reopen" lldp_seen
grep -q "running as user nobody with CAP_NET_RAW" "$tmp/daemon.log" || fail "log: $(cat "$tmp/daemon.log")"

daemon_stop

# Nothing to capture: no capability at all.
cat >"$tmp/etc/nocap.conf" <<CONF
[database]
path = $db
CONF
: >"$tmp/notify.log"
NOTIFY_SOCKET=$tmp/notify.sock "$vrauditd" -f -c "$tmp/etc/nocap.conf" --user nobody \
	2>"$tmp/daemon2.log" &
daemon_pid=$!
wait_ready "$tmp/notify.log" "$daemon_pid" "$tmp/daemon2.log"
caps_are "/proc/$daemon_pid/status" 0000000000000000
daemon_stop "$tmp/daemon2.log"
echo "ok: runs as nobody with CAP_NET_RAW alone, capturing and reopening; none without a capture"
