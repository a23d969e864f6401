#!/usr/bin/env bash
# A site reaches the central database as production should: over TCP with
# TLS, the server's certificate checked against the operator's CA
# (sslmode=verify-full), and the role's password read from [central]
# password-file. The server here listens on 127.0.0.1 only and accepts
# nothing but TLS with a SCRAM password from there; a wrong password, a
# certificate from another CA and a connection without TLS are refused.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
. "$src/tests/lib/pg.sh"
require openssl sqlite3

# A CA, and the server's certificate for localhost signed by it; another
# CA that signed nothing of ours.
mkdir -p "$tmp/tls"
cd "$tmp/tls"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=vraudit test CA" \
	-keyout ca.key -out ca.crt >/dev/null 2>&1 || fail "openssl: CA"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=other CA" \
	-keyout other.key -out other.crt >/dev/null 2>&1 || fail "openssl: other CA"
openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
	-keyout server.key -out server.csr >/dev/null 2>&1 || fail "openssl: server key"
printf 'subjectAltName = DNS:localhost, IP:127.0.0.1\n' >san.ext
openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
	-extfile san.ext -out server.crt >/dev/null 2>&1 || fail "openssl: server certificate"
cd - >/dev/null
chown "$pg_user" "$tmp/tls/server.key" "$tmp/tls/server.crt"
chmod 600 "$tmp/tls/server.key"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$tmp/hba.conf" <<HBA
local all all trust
hostssl all all 127.0.0.1/32 scram-sha-256
host all all 127.0.0.1/32 reject
HBA
chown "$pg_user" "$tmp/hba.conf"
# TCP on 127.0.0.1 besides the Unix socket, both at $port.
PG_PORT=$port
pg_start -c listen_addresses=127.0.0.1 -c ssl=on -c "ssl_cert_file=$tmp/tls/server.crt" \
	-c "ssl_key_file=$tmp/tls/server.key" -c "hba_file=$tmp/hba.conf"
pg_createdb central
pg_psql -d postgres -c "CREATE ROLE north LOGIN PASSWORD 'correct horse battery'" >/dev/null

printf 'correct horse battery\n' >"$tmp/north.pass"
printf 'wrong\n' >"$tmp/wrong.pass"
chmod 600 "$tmp/north.pass" "$tmp/wrong.pass"
admin_url="postgresql://postgres@/central?host=$PG_SOCKET_DIR&port=$PG_PORT"
# conf NAME URL [PASSWORD-FILE]
conf() {
	{
		printf '[database]\npath = %s/north.db\n[registry]\noui-dir = %s/ieee/basic\n' "$tmp" "$fixtures"
		printf '[central]\nurl = %s\nsite = north\n' "$2"
		[ -z "${3:-}" ] || printf 'password-file = %s\n' "$3"
	} >"$tmp/$1.conf"
}
tls="postgresql://north@localhost:$port/central?sslmode=verify-full&sslrootcert=$tmp/tls/ca.crt"
conf admin "$admin_url"
conf north "$tls" "$tmp/north.pass"
conf wrong "$tls" "$tmp/wrong.pass"
conf other "postgresql://north@localhost:$port/central?sslmode=verify-full&sslrootcert=$tmp/tls/other.crt" "$tmp/north.pass"
conf plain "postgresql://north@127.0.0.1:$port/central?sslmode=disable" "$tmp/north.pass"

"$vraudit" ingest -c "$tmp/north.conf" --quiet "$fixtures/captures/tcpdump_LLDP_and_CDP.pcap" >/dev/null ||
	fail "ingest"
"$vraudit" central migrate -c "$tmp/admin.conf" >/dev/null || fail "central migrate"
"$vraudit" central add-site -c "$tmp/admin.conf" north >/dev/null || fail "add-site"

# push WANT NAME: push with NAME.conf; its stderr in $tmp/err.
push() {
	local rc=0
	"$vraudit" push -c "$tmp/$2.conf" >"$tmp/out" 2>"$tmp/err" || rc=$?
	[ "$rc" = "$1" ] || fail "push with $2.conf: exit $rc, want $1: $(cat "$tmp/out" "$tmp/err")"
}
push 3 wrong
grep -q 'password authentication failed for user "north"' "$tmp/err" || fail "a wrong password said: $(cat "$tmp/err")"
push 3 other
grep -qi "certificate verify failed" "$tmp/err" || fail "a certificate from another CA said: $(cat "$tmp/err")"
push 3 plain
grep -q "no encryption" "$tmp/err" || fail "a connection without TLS said: $(cat "$tmp/err")"
! grep -q "correct horse" "$tmp/err" || fail "a message shows the password"
push 0 north
db=$tmp/north.db
[ "$(pg_psql -d central -c "SELECT head_seq FROM vraudit.site WHERE name = 'north'")" = "$(q 'SELECT max(seq) FROM audit')" ] ||
	fail "the push over TLS did not land"
# check-config shows where the password comes from, never the password.
"$vraudit" check-config -c "$tmp/north.conf" >"$tmp/shown" || fail "check-config"
grep -q "^password-file = $tmp/north.pass$" "$tmp/shown" || fail "check-config: $(cat "$tmp/shown")"
! grep -q "correct horse" "$tmp/shown" || fail "check-config shows the password"
echo "ok: TLS with the certificate checked, and the password from its file"
