#!/bin/bash
# vraudit check-config: the shipped example passes, its commented examples
# pass once uncommented, broken files exit 2 naming FILE:LINE, secrets never
# reach the output.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
EXAMPLE=$src/conf/vraudit.conf

# Run check-config with the given arguments; status in $rc, output in
# $tmp/out and $tmp/err.
run() {
	rc=0
	"$vraudit" check-config "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
}

expect_error() {	# expect_error FILE MESSAGE
	run -c "$1"
	[ "$rc" -eq 2 ] || fail "$1: exit $rc, expected 2: $(cat "$tmp/err")"
	grep -qF -- "$2" "$tmp/err" ||
		fail "$1: expected '$2' in: $(cat "$tmp/err")"
	[ ! -s "$tmp/out" ] || fail "$1: printed a configuration"
}

# The example as shipped.
run -c "$EXAMPLE"
[ "$rc" -eq 0 ] || fail "shipped example: exit $rc: $(cat "$tmp/err")"
grep -qx "$EXAMPLE: valid, 0 targets, 0 captures, 0 zones" "$tmp/err" ||
	fail "summary: $(cat "$tmp/err")"
grep -qx 'path = /var/lib/vraudit/vraudit.db' "$tmp/out" || fail "db path"
grep -qx 'max-rows = 100000' "$tmp/out" || fail "defaults not printed"

# What it prints loads again and prints the same.
cp "$tmp/out" "$tmp/printed.conf"
run -c "$tmp/printed.conf"
[ "$rc" -eq 0 ] || fail "printed config: exit $rc: $(cat "$tmp/err")"
diff <(tail -n +2 "$tmp/printed.conf") <(tail -n +2 "$tmp/out") ||
	fail "printed config does not round-trip"

# --db overrides the database path.
run -c "$EXAMPLE" --db "$tmp/other.db"
[ "$rc" -eq 0 ] || fail "--db: exit $rc"
grep -qx "path = $tmp/other.db" "$tmp/out" || fail "--db not applied"

# Every commented example, uncommented, with its secret files in place.
mkdir -m 0750 "$tmp/secrets"
printf 'c0mmunity-s3cret\n' >"$tmp/secrets/core.community"
printf 'auth-s3cret-pass\n' >"$tmp/secrets/ran.auth"
printf 'priv-s3cret-pass\n' >"$tmp/secrets/ran.priv"
chmod 0640 "$tmp/secrets/"*
# The example waivers file too, uncommented.
sed -e 's/^#//' "$src/conf/waivers.conf" >"$tmp/waivers.conf"
sed -e 's/^#//' -e "s|/etc/vraudit/secrets|$tmp/secrets|" \
	-e "s|/etc/vraudit/waivers.conf|$tmp/waivers.conf|" "$EXAMPLE" \
	>"$tmp/full.conf"
run -c "$tmp/full.conf"
[ "$rc" -eq 0 ] || fail "uncommented example: exit $rc: $(cat "$tmp/err")"
grep -qx "$tmp/full.conf: valid, 2 targets, 2 captures, 3 zones, 2 waivers" \
	"$tmp/err" || fail "full summary: $(cat "$tmp/err")"
grep -qx "; community: <secret from $tmp/secrets/core.community, 16 bytes>" \
	"$tmp/out" || fail "secret placeholder missing"
if grep -q 's3cret' "$tmp/out" "$tmp/err"; then
	fail "a secret was printed"
fi

# Relative secret paths resolve beside the configuration file.
mkdir "$tmp/repo"
cp -p "$tmp/secrets/core.community" "$tmp/repo/core.community"
printf '[target core]\naddresses = 127.0.0.1\ncommunity-file = core.community\n' \
	>"$tmp/repo/rel.conf"
(cd / && "$vraudit" check-config -c "$tmp/repo/rel.conf" >"$tmp/out" 2>/dev/null) ||
	fail "relative secret path"
grep -qx "community-file = $tmp/repo/core.community" "$tmp/out" ||
	fail "relative path not resolved: $(grep community-file "$tmp/out")"

# Broken files: exit 2, FILE:LINE and what is wrong.
chmod 0644 "$tmp/secrets/core.community"
expect_error "$tmp/full.conf" \
	"$tmp/full.conf:$(grep -n '^community-file' "$tmp/full.conf" | cut -d: -f1): [target core] community-file: $tmp/secrets/core.community is readable by others (chmod o-r)"
if grep -q 's3cret' "$tmp/err"; then
	fail "a secret was printed in an error"
fi

printf '[database]\npath = /tmp/x.db\n[snmp]\nintervall = 6h\n' >"$tmp/b1.conf"
expect_error "$tmp/b1.conf" "$tmp/b1.conf:4: [snmp] intervall: unknown key"

printf '[zone core]\nsubnets = 10.0.0.1/16\n' >"$tmp/b2.conf"
expect_error "$tmp/b2.conf" \
	"$tmp/b2.conf:2: [zone core] subnets: \"10.0.0.1/16\": host bits are set"

printf '; no addresses\n[target edge]\nversion = 2c\n' >"$tmp/b3.conf"
expect_error "$tmp/b3.conf" \
	"$tmp/b3.conf:2: [target edge] addresses: required key missing"

printf '[database]\npath = /%04089d\n' 0 >"$tmp/b4.conf"
expect_error "$tmp/b4.conf" "$tmp/b4.conf:2: line longer than 4096 bytes"

expect_error "$tmp/absent.conf" "$tmp/absent.conf: No such file or directory"

# Usage.
run --help
[ "$rc" -eq 0 ] || fail "--help: exit $rc"
grep -q '^usage: vraudit check-config' "$tmp/out" || fail "--help text"
run -c "$EXAMPLE" extra
[ "$rc" -eq 2 ] || fail "extra argument: exit $rc"

echo "ok"
