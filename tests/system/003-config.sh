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
printf 'centr4l-s3cret\n' >"$tmp/secrets/central.password"
chmod 0640 "$tmp/secrets/"*
# The files it names, of the operator's own, and the example waivers file,
# uncommented.
mkdir "$tmp/etc" "$tmp/etc/policies"
printf '[vendor acme-radio]\nname = ACME Radio\nrisk = watch\n' \
	>"$tmp/etc/vendors.conf"
printf '99999999\tExample Radio Systems Ltd\n' >"$tmp/etc/enterprises.local"
sed -e 's/^#//' "$src/conf/waivers.conf" >"$tmp/waivers.conf"
sed -e 's/^#//' -e "s|/etc/vraudit/secrets|$tmp/secrets|" \
	-e "s|/etc/vraudit/waivers.conf|$tmp/waivers.conf|" \
	-e "s|/etc/vraudit/|$tmp/etc/|" "$EXAMPLE" >"$tmp/full.conf"
run -c "$tmp/full.conf"
[ "$rc" -eq 0 ] || fail "uncommented example: exit $rc: $(cat "$tmp/err")"
grep -qx "$tmp/full.conf: valid, 2 targets, 2 captures, 3 zones, 2 waivers" \
	"$tmp/err" || fail "full summary: $(cat "$tmp/err")"
grep -qx "; community: <secret from $tmp/secrets/core.community, 16 bytes>" \
	"$tmp/out" || fail "secret placeholder missing"
grep -qx "; password: <secret from $tmp/secrets/central.password, 14 bytes>" \
	"$tmp/out" || fail "central password placeholder missing: $(sed -n '/^\[central\]/,$p' "$tmp/out")"
grep -qx "site = lon-1" "$tmp/out" || fail "[central] site not printed"
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

# A password in the central database's URI: refused, and not repeated.
printf '[central]\nsite = lon-1\nurl = postgresql://lon-1:s3cr?t@db/vraudit\n' >"$tmp/b5.conf"
expect_error "$tmp/b5.conf" \
	"$tmp/b5.conf:3: [central] url: the URI holds a password: put it in password-file instead"
if grep -q 's3cr' "$tmp/err"; then
	fail "a password in the URI was printed"
fi
printf '[central]\nurl = postgresql://db/vraudit\n' >"$tmp/b6.conf"
expect_error "$tmp/b6.conf" "$tmp/b6.conf:1: [central] site: required key missing"

printf '[database]\npath = /%04089d\n' 0 >"$tmp/b4.conf"
expect_error "$tmp/b4.conf" "$tmp/b4.conf:2: line longer than 4096 bytes"

expect_error "$tmp/absent.conf" "$tmp/absent.conf: No such file or directory"

# What the file names is loaded as vrauditd and the commands load it: a
# file they refuse is refused here, naming the key, so that
# `vraudit check-config && systemctl reload vrauditd` holds.
line_of() { grep -n "^$1" "$2" | cut -d: -f1; }
expect_named() {	# expect_named FILE MESSAGE [report]
	expect_error "$1" "$2"
	[ "$(wc -l <"$tmp/err")" -eq 1 ] ||
		fail "$1: more than one line: $(cat "$tmp/err")"
	[ "${3:-}" = report ] || return 0
	# vraudit report loads the catalogue and the packs too: it agrees.
	rc=0
	"$vraudit" report -c "$1" --db "$tmp/none.db" >/dev/null 2>&1 || rc=$?
	[ "$rc" -eq 2 ] || fail "$1: report exits $rc where check-config refuses"
}
printf '[database]\npath = x.db\n\n[policy]\npacks = uk-dvd-2022, nosuch\n' \
	>"$tmp/n1.conf"
expect_named "$tmp/n1.conf" \
	"$tmp/n1.conf:5: [policy] packs: unknown policy pack \"nosuch\"" report

printf '[registry]\nvendors = %s\n' "$tmp/etc/absent.conf" >"$tmp/n2.conf"
expect_named "$tmp/n2.conf" \
	"$tmp/n2.conf:2: [registry] vendors: $tmp/etc/absent.conf: No such file or directory" report

printf '[vendor acme]\nname = ACME\nrisk = dangerous\n' >"$tmp/etc/bad-vendors.conf"
printf '[registry]\nvendors = etc/bad-vendors.conf\n' >"$tmp/n3.conf"
expect_named "$tmp/n3.conf" \
	"$tmp/n3.conf:2: [registry] vendors: $tmp/etc/bad-vendors.conf:3: [vendor acme] risk: \"dangerous\" is not a risk class" report

printf '[registry]\nenterprises-local = %s\n' "$tmp/etc/absent.local" \
	>"$tmp/n4.conf"
expect_named "$tmp/n4.conf" \
	"$tmp/n4.conf:2: [registry] enterprises-local: $tmp/etc/absent.local: No such file or directory"

printf '[registry]\noui-dir = %s\n' "$tmp/etc/absent-ieee" >"$tmp/n5.conf"
expect_named "$tmp/n5.conf" \
	"$tmp/n5.conf:2: [registry] oui-dir: $tmp/etc/absent-ieee"

mkdir "$tmp/pol"
printf '[pack]\nname = mine\nvendors = nosuchvendor\n[rule r]\nzone = all\nmax-share = 0%%\n' \
	>"$tmp/pol/mine.conf"
printf '[policy]\ndir = pol\npacks = mine\n' >"$tmp/n6.conf"
expect_named "$tmp/n6.conf" \
	"$tmp/n6.conf:2: [policy] dir: $tmp/pol/mine.conf:3: [pack] vendors: unknown vendor \"nosuchvendor\"" report

# The pack is there once its vendor is in the operator's catalogue, which
# extends the shipped one (vraudit.conf(5)): shipped vendors stay.
printf '[vendor nosuchvendor]\nname = Now Known\nrisk = high\n' >"$tmp/etc/v2.conf"
printf '[pack]\nname = mine\nvendors = nosuchvendor, huawei, zte\n[rule r]\nzone = all\nmax-share = 0%%\n' \
	>"$tmp/pol/mine.conf"
printf '[registry]\nvendors = etc/v2.conf\n[policy]\ndir = pol\npacks = mine\n' \
	>"$tmp/n7.conf"
run -c "$tmp/n7.conf"
[ "$rc" -eq 0 ] || fail "pack with the operator's vendor: exit $rc: $(cat "$tmp/err")"

# Without the IANA registry's file vraudit goes on: a warning, still valid.
printf '[registry]\nenterprises = %s\n' "$tmp/etc/absent.tsv" >"$tmp/n8.conf"
run -c "$tmp/n8.conf"
[ "$rc" -eq 0 ] || fail "missing IANA registry: exit $rc: $(cat "$tmp/err")"
grep -qF "$tmp/n8.conf:2: [registry] enterprises: warning: $tmp/etc/absent.tsv: No such file or directory" \
	"$tmp/err" || fail "missing IANA registry: $(cat "$tmp/err")"
grep -q ": valid, " "$tmp/err" || fail "missing IANA registry: not valid"

# The lab's configuration, its secret as scripts/lab.sh leaves it.
cp -r "$src/conf/lab" "$tmp/lab"
chmod 0640 "$tmp/lab/secrets/"*
run -c "$tmp/lab/vraudit.conf"
[ "$rc" -eq 0 ] || fail "lab configuration: exit $rc: $(cat "$tmp/err")"

# Usage.
run --help
[ "$rc" -eq 0 ] || fail "--help: exit $rc"
grep -q '^usage: vraudit check-config' "$tmp/out" || fail "--help text"
run -c "$EXAMPLE" extra
[ "$rc" -eq 2 ] || fail "extra argument: exit $rc"

echo "ok"
