#!/usr/bin/env bash
# vrauditd at line rate on a veth pair, run by hand as root (results go to
# BENCHMARKS.md, "Line rate"). One flood (tests/lib/flood.py: FRAMES frames
# of 60 bytes from MACS source MACs, 500 LLDP advertisements from 500 other
# switches spread among them) is sent at rising rates (tests/bench/blast,
# sendmmsg without a qdisc) into, in turn:
#   - the floor: a bare libpcap loop (tests/bench/live_count), the ring
#     and snap length the daemon's MAC path uses;
#   - vrauditd with the inventory known (a database that holds every MAC
#     of the flood: the steady state of a mirror port);
#   - vrauditd on a fresh database (every MAC new: the store's worst case).
# For each: frames that reached the interface (its receive counter: a
# sender may lose some on the way, a veth's queue to its peer being full),
# frames handled, dropped by the kernel, how many of the 500
# LLDP speakers reached the database (the control path), the rate the
# senders reached, and the daemon's CPU time per frame handled (ns/f: what
# one core would take at most is 1e9 / ns/f frames/s). Then tcpreplay
# --topspeed on the same flood, for its sent rate.
#
# usage: sudo tests/bench/line-rate.sh [FRAMES] [MACS]   (default 3000000 50000)
# RATES="PPS ..." chooses the rates (0: as fast as blast sends), BUFFER the
# MAC path's ring in MiB (default: the daemon's, 32; leave it unset for a
# build that predates buffer-size), VRAUDIT_BUILD the build whose vrauditd
# is measured (the senders and the floor come from this tree's build/),
# SENDERS how many blast processes send at once (default 1; each sends the
# whole flood, at PPS / SENDERS).
# GEN=xdp sends from inside the kernel instead (tests/bench/xdpgen: an XDP
# program in the kernel's live-frames mode, past what a sender in user
# space reaches): FRAMES frames of the flood's kind, each from one of its
# MACS hosts picked at random, with the 500 LLDP advertisements sent by
# blast beside them, spread over the flood's length (at 1,000 frames/s
# when the rate is 0). The receiving end then runs in its NAPI mode (GRO
# on), which a veth needs to take XDP frames.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${VRAUDIT_BUILD:-$top/build}
tools=$top/build
frames=${1:-3000000}
macs=${2:-50000}
rates=${RATES:-"100000 200000 300000 400000 500000 0"}
buffer=${BUFFER:-32}
senders=${SENDERS:-1}
gen=${GEN:-blast}
case $gen in blast | xdp) ;; *) echo "line-rate.sh: GEN is blast or xdp" >&2; exit 1 ;; esac
[ "$(id -u)" -eq 0 ] || { echo "line-rate.sh: run as root (namespaces, capture)" >&2; exit 1; }
fail() { echo "line-rate.sh: $*" >&2; exit 1; }
. "$top/tests/bench/lib.sh"

n=lr$$
work=$(mktemp -d /var/tmp/vraudit-bench.XXXXXX)
chmod 755 "$work"
daemon_pid=
notify_pid=
cleanup() {
	set +e
	[ -n "$daemon_pid" ] && kill -9 "$daemon_pid" 2>/dev/null
	[ -n "$notify_pid" ] && kill "$notify_pid" 2>/dev/null
	veth_cleanup "$n"
	rm -rf "$work"
}
trap cleanup EXIT
ninja -C "$build" vrauditd vraudit >/dev/null
ninja -C "$tools" tests/bench/blast tests/bench/live_count tests/bench/xdpgen >/dev/null
veth_setup "$n"
[ "$gen" = blast ] || "$tools/tests/bench/xdpgen" --gro "vra-$n"
mkdir -p "$work/etc"
chown nobody:nogroup "$work/etc"
notify_listen "$work/notify.sock" "$work/notify.log"

python3 "$top/tests/lib/flood.py" "$work/flood.pcap" "$frames" "$macs" 500
python3 "$top/tests/lib/flood.py" "$work/lldp.pcap" 0 1 500
# The inventory as a capture of a moment ago left it: no MAC due for its
# hourly refresh.
python3 "$top/tests/lib/flood.py" --start "$(date +%s)" "$work/now.pcap" "$frames" "$macs" 500
known=$work/known.db
"$build/vraudit" ingest --quiet --db "$known" "$work/now.pcap" >/dev/null
rm "$work/now.pcap"
# blast PPS: SENDERS senders at PPS / SENDERS each; prints the sum of
# their rates, as "...: N frames/s"
blast() {
	local i pids=() per=$(($1 / senders)) sum=0 r lldp=1000
	if [ "$gen" = xdp ]; then
		# the LLDP beside the flood, over its length
		[ "$1" -eq 0 ] || lldp=$((500 * $1 / frames + 1))
		ip netns exec "vrt-$n" "$tools/tests/bench/blast" "vrb-$n" "$work/lldp.pcap" "$lldp" \
			>/dev/null &
		pids+=($!)
	fi
	for i in $(seq "$senders"); do
		if [ "$gen" = xdp ]; then
			ip netns exec "vrt-$n" "$tools/tests/bench/xdpgen" "vrb-$n" "$macs" "$frames" "$per" \
				>"$work/blast.$i" &
		else
			ip netns exec "vrt-$n" "$tools/tests/bench/blast" "vrb-$n" "$work/flood.pcap" "$per" \
				>"$work/blast.$i" &
		fi
		pids+=($!)
	done
	for i in "${pids[@]}"; do wait "$i"; done
	for i in $(seq "$senders"); do
		r=$(rate_of <"$work/blast.$i")
		sum=$((sum + ${r:-0}))
	done
	echo "sent: $sum frames/s"
}
rate_of() { sed -n 's/.*: \([0-9]*\) frames\/s$/\1/p'; }

# daemon RATE DB: frames handled, kernel drops, LLDP speakers recorded
daemon() {
	local db=$2 out sent
	mkdir -p "$(dirname "$db")"
	chown nobody:nogroup "$(dirname "$db")"
	[ ! -e "$db" ] || chown nobody:nogroup "$db"
	cat >"$work/etc/d.conf" <<CONF
[database]
path = $db
[capture mirror]
interface = vra-$n
CONF
	# A build before buffer-size: run it with BUFFER unset.
	[ -z "${BUFFER:-}" ] || echo "buffer-size = ${buffer}M" >>"$work/etc/d.conf"
	: >"$work/notify.log"
	NOTIFY_SOCKET=$work/notify.sock "$build/vrauditd" -f -c "$work/etc/d.conf" --user nobody \
		2>"$work/daemon.log" &
	daemon_pid=$!
	wait_ready "$work/notify.log" "$daemon_pid" "$work/daemon.log"
	wait_for "the daemon to settle" drained
	c0=$(cpu_ticks)
	r0=$(rx_packets)
	out=$(blast "$1")
	sent=$(printf '%s\n' "$out" | rate_of)
	# Until it has read what the rings hold and written its queue.
	wait_for "the daemon to drain" drained
	c1=$(cpu_ticks)
	r1=$(rx_packets)
	kill -TERM "$daemon_pid"
	wait "$daemon_pid" || fail "vrauditd exited $? on SIGTERM"
	daemon_pid=
	row=$(sqlite3 -separator ' ' "file:$db?mode=ro" \
		"SELECT frames, coalesce(detail, '') FROM scans WHERE kind = 'capture' ORDER BY scan_id DESC LIMIT 1")
	# "MAC path: N frame(s) dropped", or before the two paths "N frame(s)"
	drop=$(printf '%s\n' "$row" | sed -n 's/^[0-9]* MAC path: \([0-9]*\) frame(s) dropped by the kernel.*/\1/p; s/^[0-9]* \([0-9]*\) frame(s) dropped by the kernel.*/\1/p')
	speakers=$(sqlite3 "file:$db?mode=ro" "SELECT count(*) FROM element WHERE sys_name LIKE 'ctl-sw-%'")
	# CPU of the daemon per frame handled, in nanoseconds
	ns=$(((c1 - c0) * 1000000000 / clk / ${row%% *}))
	printf '%10s %10s %10s %6s %7s %5s' "$((r1 - r0))" "${row%% *}" "${drop:-0}" "$speakers" "$sent" "$ns"
}
rx_packets() { cat "/sys/class/net/vra-$n/statistics/rx_packets"; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$daemon_pid/stat"; }
clk=$(getconf CLK_TCK)
# The daemon has drained once it used no CPU for a second and its queue
# is empty.
drained() {
	local t0 t1
	t0=$(awk '{ print $14 + $15 }' "/proc/$daemon_pid/stat")
	sleep 1
	t1=$(awk '{ print $14 + $15 }' "/proc/$daemon_pid/stat")
	[ "$t0" = "$t1" ]
}

echo "machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "kernel: $(uname -r); flood: $frames frames of 60 bytes, $macs MACs, 500 LLDP speakers, sent $senders time(s) at once by $gen; MAC path ring ${buffer} MiB"
printf '%10s | %10s %10s %10s %8s | %10s %10s %10s %6s %7s %5s | %10s %10s %10s %6s %7s %5s\n' \
	"pps asked" "floor sent" "arrived" "handled" "dropped" \
	"arrived" "known got" "dropped" "LLDP" "sent/s" "ns/f" \
	"arrived" "new got" "dropped" "LLDP" "sent/s" "ns/f"
for pps in $rates; do
	"$tools/tests/bench/live_count" "vra-$n" "$buffer" 2 >"$work/lc.out" 2>"$work/lc.err" &
	lc=$!
	wait_for "live_count" grep -q ready "$work/lc.err"
	r0=$(rx_packets)
	sent=$(blast "$pps" | rate_of)
	wait "$lc"
	r1=$(rx_packets)
	read -r got _ dropped _ <"$work/lc.out"
	printf '%10s | %10s %10s %10s %8s |' "$pps" "$sent" "$((r1 - r0))" "$got" "${dropped%,}"
	cp "$known" "$work/k/k.db" 2>/dev/null || { mkdir -p "$work/k"; cp "$known" "$work/k/k.db"; }
	daemon "$pps" "$work/k/k.db"
	printf ' |'
	rm -rf "$work/f"
	daemon "$pps" "$work/f/f.db"
	echo
	rm -rf "$work/k" "$work/f"
done
out=$(ip netns exec "vrt-$n" tcpreplay -t -i "vrb-$n" "$work/flood.pcap" 2>&1)
echo "tcpreplay --topspeed: $(printf '%s\n' "$out" | sed -n 's/.*Rated: .*, \([0-9.]*\) pps.*/\1/p' | head -1) frames/s sent"
