#!/usr/bin/env bash
# SNMP sweep, side by side with its peers on the same 1,024 loopback targets:
# AGENTS snmpsimd agents on port 161 of 127.0.70.1 .. and the rest silent:
# their requests are dropped, as by a firewall, by an nftables rule in a
# network namespace the benchmark makes for itself (without it, loopback
# answers "port unreachable" and nmap would skip them at once). Timeout 1 s,
# one retry. Compares vraudit scan with the floor (timeout x (retries + 1)),
# `nmap -sU -p161 --script snmp-sysdescr` and a sequential snmpget loop, and
# checks that all of them found the same agents.
#
# usage: tests/bench/snmp.sh [AGENTS]       (default 100; needs root for port 161)
# FULL=1 runs the sequential snmpget loop over every target (about half an
# hour); otherwise over 64 targets with the same mix, scaled up.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${VRAUDIT_BUILD:-$top/build}
agents=${1:-100}
targets=1024
[ "$(id -u)" -eq 0 ] || { echo "snmp.sh: needs root (a network namespace; port 161, as nmap's script requires)" >&2; exit 1; }

for p in nmap snmp snmpsim bc nftables iproute2; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$p" >/dev/null
done

# Everything runs in a namespace of its own, with its own loopback.
if [ -z "${VRAUDIT_BENCH_NS:-}" ]; then
	ns=vrbench-$$
	ip netns add "$ns"
	trap 'ip netns delete "$ns" 2>/dev/null || true' EXIT
	ip -n "$ns" link set lo up
	ip netns exec "$ns" env VRAUDIT_BENCH_NS="$ns" bash "$0" "$@"
	exit $?
fi
work=$(mktemp -d /var/tmp/vraudit-snmpbench.XXXXXX)
chmod 755 "$work"
trap 'bash "$top/tests/lib/snmpsim.sh" stop "$work/sim" 2>/dev/null || true; rm -rf "$work"' EXIT

ninja -C "$build" vraudit >/dev/null

# Target i is 127.0.70+i/256.(i%256) .. ; the first AGENTS of them answer.
addr() { echo "127.0.$((70 + $1 / 254)).$((1 + $1 % 254))"; }
args=()
for i in $(seq 0 $((agents - 1))); do
	f=$work/agent$i.snmprec
	{
		echo "1.3.6.1.2.1.1.1.0|4|Huawei Versatile Routing Platform Software VRP (R) software, Version 8.190 agent $i"
		echo "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.2011.2.23.$((i % 400))"
		echo "1.3.6.1.2.1.1.5.0|4|bench-$i"
		printf '1.3.6.1.2.1.2.2.1.6.1|4x|00259e%06x\n' "$i"
	} >"$f"
	args+=("$(addr "$i"):161" "$f")
done
bash "$top/tests/lib/snmpsim.sh" start "$work/sim" "${args[@]}"
# The silent targets drop requests instead of answering "port unreachable"
# (dropped on the way in: dropping on the way out fails sendto at once).
nft -f - <<NFT
table inet vrbench {
	chain in {
		type filter hook input priority 0;
		ip daddr $(addr "$agents")-$(addr $((targets - 1))) udp dport 161 drop
	}
}
NFT
for i in $(seq 0 $((targets - 1))); do addr "$i"; done >"$work/targets"
sort "$work/targets" | head -n 0
head -n "$agents" "$work/targets" | sort >"$work/expected"

now() { date +%s.%N; }
printf 'public\n' >"$work/community"
chmod 600 "$work/community"

t0=$(now)
"$build/vraudit" scan --db "$work/v.db" --community-file "$work/community" \
	--timeout 1s --retries 1 --quiet $(cat "$work/targets") >"$work/v.out"
t1=$(now)
vraudit_s=$(echo "$t1 - $t0" | bc -l)
sqlite3 "$work/v.db" "SELECT mgmt_ip FROM inventory WHERE sources LIKE '%snmp%'" | sort >"$work/v.found"

t0=$(now)
nmap -n -Pn -sU -p161 --script snmp-sysdescr --host-timeout 60s -oG "$work/nmap.gnmap" \
	-iL "$work/targets" >"$work/nmap.out" 2>&1
t1=$(now)
nmap_s=$(echo "$t1 - $t0" | bc -l)
# Hosts whose script printed a description answered.
awk '/^Nmap scan report for/ { host = $5 } /snmp-sysdescr: [^ ]/ { print host }' \
	"$work/nmap.out" | sort -u >"$work/nmap.found"

if [ "${FULL:-0}" = 1 ]; then
	sample=$targets
	cp "$work/targets" "$work/sample"
else
	# 64 targets with the same share of agents as the whole.
	sample=64
	nag=$(( (agents * sample + targets - 1) / targets ))
	{ head -n "$nag" "$work/targets"; tail -n $((sample - nag)) "$work/targets"; } >"$work/sample"
fi
: >"$work/get.found"
t0=$(now)
while read -r a; do
	if snmpget -v2c -c public -t 1 -r 1 -Oqv "udp:$a:161" 1.3.6.1.2.1.1.1.0 >/dev/null 2>&1; then
		echo "$a" >>"$work/get.found"
	fi
done <"$work/sample"
t1=$(now)
get_s=$(echo "($t1 - $t0) * $targets / $sample" | bc -l)
sort -o "$work/get.found" "$work/get.found"
grep -Fxf "$work/sample" "$work/expected" >"$work/get.expected" || true

floor=2
echo "targets: $targets ($agents answering, $((targets - agents)) silent), timeout 1 s, 1 retry, $(nproc) cores"
printf '%-44s %9s %9s %9s\n' tool seconds "x floor" "vs vraudit"
printf '%-44s %9.2f %9.2f %9s\n' "floor: timeout x (retries + 1)" $floor 1 -
printf '%-44s %9.2f %9.2f %9.2f\n' "vraudit scan" "$vraudit_s" "$(echo "$vraudit_s / $floor" | bc -l)" 1
printf '%-44s %9.2f %9.2f %9.2f\n' "nmap -sU -p161 --script snmp-sysdescr" "$nmap_s" \
	"$(echo "$nmap_s / $floor" | bc -l)" "$(echo "$nmap_s / $vraudit_s" | bc -l)"
label="sequential snmpget loop"
[ "$sample" -ne "$targets" ] && label="$label (64 run, scaled)"
printf '%-44s %9.2f %9.2f %9.2f\n' "$label" "$get_s" "$(echo "$get_s / $floor" | bc -l)" \
	"$(echo "$get_s / $vraudit_s" | bc -l)"
same() { cmp -s "$1" "$2" && echo yes || echo "NO ($(wc -l <"$1") found, $(wc -l <"$2") expected)"; }
echo "vraudit found every agent and no other: $(same "$work/v.found" "$work/expected")"
sed 's/^/  vraudit: /' "$work/v.out" | head -4
echo "nmap found the same agents:               $(same "$work/nmap.found" "$work/expected")"
echo "snmpget found the same (of its sample):   $(same "$work/get.found" "$work/get.expected")"
