#!/usr/bin/env bash
# vrauditd under load, run by hand as root (results go to BENCHMARKS.md,
# "Daemon"):
#   1. live capture on a veth pair: a generated capture replayed at rising
#      --pps rates into a fresh daemon each time; frames the daemon handled
#      and the drops pcap_stats reported (the capture session's scans row);
#   2. idle: CPU time and wake-ups of a daemon with a capture and nothing
#      to do, over IDLE seconds;
#   3. sweeping: interval 1s against four snmpsimd agents on loopback for
#      SWEEP seconds; CPU and RSS at the start and the end (a leak shows).
#
# usage: sudo tests/bench/daemon.sh [FRAMES] [IDLE] [SWEEP]  (default 1000000 30 180)
# RATES="PPS ..." chooses the replay rates, PARTS="capture idle sweep" the parts.
# FRAMES should be well beyond what the kernel ring (32 MiB) holds, or a
# burst fits in it whatever the rate.
# Needs a build in build/ (or $VRAUDIT_BUILD), tcpreplay, snmpsim, sqlite3.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${VRAUDIT_BUILD:-$top/build}
frames=${1:-1000000}
idle=${2:-30}
sweep=${3:-180}
rates=${RATES:-"25000 50000 75000 100000 150000 200000"}
parts=${PARTS:-"capture idle sweep"}
[ "$(id -u)" -eq 0 ] || { echo "daemon.sh: run as root (namespaces, capture)" >&2; exit 1; }
fail() { echo "daemon.sh: $*" >&2; exit 1; }
. "$top/tests/bench/lib.sh"

n=b$$
work=$(mktemp -d /var/tmp/vraudit-bench.XXXXXX)
chmod 755 "$work"
daemon_pid=
daemon_log=$work/daemon.log
notify_pid=
cleanup() {
	set +e
	[ -n "$daemon_pid" ] && kill -9 "$daemon_pid" 2>/dev/null
	[ -n "$notify_pid" ] && kill "$notify_pid" 2>/dev/null
	bash "$top/tests/lib/snmpsim.sh" stop "$work/sim" 2>/dev/null || true
	veth_cleanup "$n"
	rm -rf "$work"
}
trap cleanup EXIT
ninja -C "$build" vrauditd tests/bench/gen_capture >/dev/null
veth_setup "$n"
mkdir -p "$work/etc"
chown nobody:nogroup "$work/etc"
notify_listen "$work/notify.sock" "$work/notify.log"
printf 'public\n' >"$work/etc/community"
chmod 600 "$work/etc/community"
chown nobody:nogroup "$work/etc/community"
clk=$(getconf CLK_TCK)

# start CONF DB: a daemon as nobody, waits for READY
start() {
	mkdir -p "$(dirname "$2")"
	chown nobody:nogroup "$(dirname "$2")"
	: >"$work/notify.log"
	NOTIFY_SOCKET=$work/notify.sock "$build/vrauditd" -f -c "$1" --user nobody \
		2>"$work/daemon.log" &
	daemon_pid=$!
	wait_ready "$work/notify.log" "$daemon_pid" "$work/daemon.log"
}
stop() {
	kill -TERM "$daemon_pid"
	wait "$daemon_pid" || fail "vrauditd exited $? on SIGTERM"
	daemon_pid=
}
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)"
echo "kernel: $(uname -r); vrauditd $("$build/vrauditd" --version | cut -d' ' -f2)"
echo

# 1. Live capture.
if [[ " $parts " == *" capture "* ]]; then
"$build/tests/bench/gen_capture" "$work/load.pcap" "$frames" 50000 >/dev/null
echo "live capture: $frames frames (50000 source MACs), fresh database each rate"
printf '%10s %12s %12s %10s %10s\n' "pps asked" "pps sent" "handled" "dropped" "ifdropped"
for pps in $rates; do
	db=$work/cap$pps/cap.db
	cat >"$work/etc/cap.conf" <<CONF
[database]
path = $db
[capture mirror]
interface = vra-$n
CONF
	start "$work/etc/cap.conf" "$db"
	out=$(ip netns exec "vrt-$n" tcpreplay --pps="$pps" -i "vrb-$n" "$work/load.pcap" 2>&1)
	sent=$(printf '%s\n' "$out" | sed -n 's/.*Rated: .*, \([0-9.]*\) pps.*/\1/p' | head -1)
	sleep 2	# the daemon drains the kernel ring and commits
	stop
	row=$(sqlite3 -separator ' ' "file:$db?mode=ro" "SELECT frames, coalesce(detail, '') FROM scans WHERE kind = 'capture'")
	handled=${row%% *}
	drop=$(printf '%s\n' "$row" | sed -n 's/.* \([0-9]*\) frame(s) dropped by the kernel, \([0-9]*\) by the interface.*/\1 \2/p')
	[ -n "$drop" ] || drop="0 0"
	printf '%10s %12s %12s %10s %10s\n' "$pps" "${sent:-?}" "$handled" $drop
done
echo
fi

# 2. Idle.
if [[ " $parts " == *" idle "* ]]; then
db=$work/idle/idle.db
cat >"$work/etc/idle.conf" <<CONF
[database]
path = $db
[capture mirror]
interface = vra-$n
CONF
start "$work/etc/idle.conf" "$db"
sleep 2
t0=$(cpu_ticks "$daemon_pid")
w0=$(awk '/^voluntary_ctxt_switches/ { print $2 }' "/proc/$daemon_pid/status")
sleep "$idle"
t1=$(cpu_ticks "$daemon_pid")
w1=$(awk '/^voluntary_ctxt_switches/ { print $2 }' "/proc/$daemon_pid/status")
echo "idle (one capture, no traffic) over ${idle}s: CPU $(echo "scale=3; ($t1 - $t0) * 100 / $clk / $idle" | bc | sed "s/^\./0./")%, $((w1 - w0)) wake-ups, RSS $(rss_kib "$daemon_pid") KiB"
stop
echo
fi

# 3. Sweeping every second.
if [[ " $parts " == *" sweep "* ]]; then
port=16191
bash "$top/tests/lib/snmpsim.sh" start "$work/sim" \
	127.0.91.1:$port "$top/tests/fixtures/snmp/huawei-switch.snmprec" \
	127.0.91.2:$port "$top/tests/fixtures/snmp/cisco-router.snmprec" \
	127.0.91.3:$port "$top/tests/fixtures/snmp/zte-bridge.snmprec" \
	127.0.91.4:$port "$top/tests/fixtures/snmp/camera-nosystem.snmprec"
db=$work/sweep/sweep.db
cat >"$work/etc/sweep.conf" <<CONF
[database]
path = $db
[snmp]
interval = 1s
timeout = 500ms
retries = 0
[target lab]
addresses = 127.0.91.1:$port, 127.0.91.2:$port, 127.0.91.3:$port, 127.0.91.4:$port
community-file = community
CONF
start "$work/etc/sweep.conf" "$db"
sleep 10
r0=$(rss_kib "$daemon_pid")
t0=$(cpu_ticks "$daemon_pid")
sleep "$sweep"
r1=$(rss_kib "$daemon_pid")
t1=$(cpu_ticks "$daemon_pid")
stop
sweeps=$(sqlite3 "file:$db?mode=ro" "SELECT count(*) FROM scans WHERE kind = 'snmp' AND status = 'complete'")
echo "sweeping 4 agents every 1s for ${sweep}s: $sweeps sweeps in all, CPU $(echo "scale=2; ($t1 - $t0) * 100 / $clk / $sweep" | bc | sed "s/^\./0./")%, RSS $r0 KiB after 10s, $r1 KiB at the end"
fi
