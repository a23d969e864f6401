#!/usr/bin/env bash
# Install every Debian package vraudit needs to build, test and run.
# Idempotent: installs only what is missing, and says nothing when all is present.
set -euo pipefail

packages=(
	# build
	meson ninja-build pkg-config gcc clang clang-format
	libpcap-dev libsnmp-dev libsqlite3-dev libsystemd-dev libpq-dev check
	# run: the IEEE registry, the IANA enterprise numbers (enterprises.tsv)
	ieee-data libwireshark-data sqlite3
	# tests: SNMP agents and clients, fuzzing runtime, namespaces, scripting
	snmp snmpd snmpsim libclang-rt-14-dev iproute2 python3 systemd strace
	# tests: frames replayed into a veth pair
	tcpreplay
	# tests: the HTML report rendered in a headless browser
	chromium
	# tests: a throwaway central PostgreSQL server
	postgresql-15
	# tests: the manual pages rendered and checked
	groff-base man-db bsdextrautils
	# tests: certificates for the central database over TLS
	openssl
)

missing=()
for p in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	sudo=sudo
else
	sudo=
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
