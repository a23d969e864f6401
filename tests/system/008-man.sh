#!/bin/bash
# The manual pages: each renders without a warning, is installed in its
# section, and documents what the code has, so that the documentation
# cannot drift silently: every option in the --help of each vraudit command
# and of vrauditd, every section and key config.c accepts, every public view
# and column of a real database. The examples are run: the configuration
# in vraudit.conf(5) passes check-config, the SQL queries and the Python
# recomputation of the audit chain in vraudit-schema(7) work on a database
# filled from a real capture.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
require groff col man meson sqlite3
require_python sqlite3
MAN=$src/man

pages="vraudit.1 vraudit.conf.5 vraudit-schema.7 vrauditd.8"

# Render without warnings; keep the text for the checks below.
for p in $pages; do
	[ -f "$MAN/$p" ] || fail "missing page $p"
	out=$(LC_ALL=C.UTF-8 MANROFFSEQ='' groff -man -Tutf8 -ww -z "$MAN/$p" 2>&1)
	[ -z "$out" ] || fail "$p: groff warns: $out"
	out=$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 man --warnings -l "$MAN/$p" 2>&1 >/dev/null)
	[ -z "$out" ] || fail "$p: man warns: $out"
	LC_ALL=C.UTF-8 groff -man -Tutf8 -rLL=78n "$MAN/$p" 2>/dev/null | col -bx >"$tmp/$p.txt"
	[ -s "$tmp/$p.txt" ] || fail "$p renders empty"
done

# meson installs each page in the directory of its section.
meson introspect --installed "$build" >"$tmp/installed.json"
python3 - "$tmp/installed.json" $pages <<'PY' || fail "man pages are not installed by section"
import json, os, sys
installed = json.load(open(sys.argv[1]))
for page in sys.argv[2:]:
    dest = [v for k, v in installed.items() if os.path.basename(k) == page]
    want = f"man{page.rsplit('.', 1)[1]}/{page}"
    assert dest and dest[0].endswith('/' + want), (page, dest)
PY

# vraudit(1): every command of `vraudit --help` has its section, and every
# long option of its --help is documented.
commands=$("$vraudit" --help | sed -n '/^commands:/,/^$/p' | awk 'NF > 1 { print $1 }')
[ -n "$commands" ] || fail "no commands in vraudit --help"
# The text of a (sub)section of a rendered page: section TITLE FILE.
section() {
	python3 - "$2" "$1" <<'PY'
import re, sys
text = open(sys.argv[1], encoding='utf-8').read()
m = re.search(r'^ {0,3}' + re.escape(sys.argv[2]) + r'\n(.*?)(?=^ {0,3}\S)', text, re.M | re.S)
print(m.group(1) if m else '')
PY
}
section "COMMON OPTIONS" "$tmp/vraudit.1.txt" >"$tmp/common.txt"
[ -s "$tmp/common.txt" ] || fail "vraudit(1) has no COMMON OPTIONS"
for cmd in $commands; do
	section "$cmd" "$tmp/vraudit.1.txt" >"$tmp/cmd.txt"
	grep -q '[a-z]' "$tmp/cmd.txt" || fail "vraudit(1) has no section for '$cmd'"
	for opt in $("$vraudit" "$cmd" --help | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u); do
		grep -qE -- "(^|[^a-z-])$opt([^a-z-]|\$)" "$tmp/cmd.txt" "$tmp/common.txt" ||
			fail "vraudit(1) does not document '$cmd $opt' in its section"
	done
done
for opt in --config --db --quiet --verbose --help --version; do
	grep -qE -- "(^|[^a-z-])$opt([^a-z-]|\$)" "$tmp/vraudit.1.txt" ||
		fail "vraudit(1) does not document $opt"
done
sed -n '/^EXIT STATUS$/,/^[A-Z]/p' "$tmp/vraudit.1.txt" >"$tmp/exit.txt"
for code in 0 1 2 3; do
	grep -qE "^       $code +[A-Za-z]" "$tmp/exit.txt" || fail "vraudit(1) lacks exit status $code"
done

# vrauditd(8): every option of its --help.
for opt in $("$vrauditd" --help | grep -oE -- '(^|[ ,])-(-[a-z][a-z-]*|[a-zA-Z])' | tr -d ' ,' | sort -u); do
	grep -qE -- "(^|[^a-z-])$opt([^a-z-]|\$)" "$tmp/vrauditd.8.txt" ||
		fail "vrauditd(8) does not document $opt"
done
for word in SIGTERM SIGINT SIGHUP Type=notify READY=1 STATUS= WATCHDOG=1 CAP_NET_RAW; do
	grep -qF "$word" "$tmp/vrauditd.8.txt" || fail "vrauditd(8) does not mention $word"
done

# vraudit.conf(5): every section and key of the tables of config.c,
# config_target.c and config_central.c, each as its own entry "key = ...".
sections=$(grep -oE '\{ ?"[a-z]+", (true|false), ' "$src/config/config.c" |
	sed -E 's/\{ ?"([a-z]+)", (true|false), /\1 \2/')
[ "$(wc -l <<<"$sections")" -ge 7 ] || fail "could not read the sections of config.c"
while read -r name named; do
	if [ "$named" = true ]; then header="[$name NAME]"; else header="[$name]"; fi
	grep -qxF "   $header" "$tmp/vraudit.conf.5.txt" || fail "vraudit.conf(5) has no section $header"
done <<<"$sections"
keys=$(cat "$src/config/config.c" "$src/config/config_target.c" \
	"$src/config/config_central.c" |
	grep -oE '\{ ?"[a-z-]+", (0|INI_[A-Z_]+) ?\}' | grep -oE '"[a-z-]+"' | tr -d '"' | sort -u)
[ "$(wc -l <<<"$keys")" -ge 20 ] || fail "could not read the keys of config.c"
for key in $keys; do
	grep -qE "^       $key = " "$tmp/vraudit.conf.5.txt" || fail "vraudit.conf(5) does not document key '$key'"
done
tr -s ' \n' '  ' <"$tmp/vraudit.conf.5.txt" >"$tmp/conf.flat"
for rule in "at most 4096 bytes" "not readable by others" "indented" \
	"relative to the directory of the configuration file" "FILE:LINE"; do
	grep -qF "$rule" "$tmp/conf.flat" || fail "vraudit.conf(5) does not explain '$rule'"
done

# The example configuration of vraudit.conf(5) is valid, and check-config
# prints no key the page lacks.
python3 - "$tmp/vraudit.conf.5.txt" "$tmp" >"$tmp/example.conf" <<'PY'
import re, sys, textwrap
text = open(sys.argv[1], encoding='utf-8').read()
# From the first example block (after the introducing sentence) to the
# sentence after it; the block has blank lines between sections.
block = text.split('\nEXAMPLES\n', 1)[1].split('\n\n', 1)[1]
block = re.split(r'\n\n {7}[A-Z]', block, 1)[0]
block = textwrap.dedent(block)
block = block.replace('/etc/vraudit/secrets/', sys.argv[2] + '/secrets/')
block = block.replace('/var/lib/vraudit/', sys.argv[2] + '/')
print(block)
PY
grep -q '^\[target core\]' "$tmp/example.conf" || fail "no example configuration found: $(cat "$tmp/example.conf")"
mkdir -m 0750 "$tmp/secrets"
for f in core.community ran.auth ran.priv; do
	install -m 0640 /dev/null "$tmp/secrets/$f"
	echo "secret-passphrase-$f" >"$tmp/secrets/$f"
done
"$vraudit" check-config -c "$tmp/example.conf" >"$tmp/effective.conf" 2>"$tmp/err" ||
	fail "the example of vraudit.conf(5) is refused: $(cat "$tmp/err")"
for key in $(grep -oE '^[a-z-]+ =' "$tmp/effective.conf" | cut -d' ' -f1 | sort -u); do
	grep -qE "^       $key = " "$tmp/vraudit.conf.5.txt" || fail "check-config prints '$key', vraudit.conf(5) lacks it"
done

# vraudit-schema(7): every view of a real database, each with all its
# columns; the example queries run; the Python recipe recomputes the chain
# to the head vraudit verify prints.
cat >"$tmp/ingest.conf" <<CONF
[registry]
oui-dir = $fixtures/ieee/basic
CONF
"$vraudit" ingest -c "$tmp/ingest.conf" --db "$tmp/vraudit.db" --quiet \
	"$fixtures/captures/tcpdump_erspan-type-i-1_huawei-mac.pcap" \
	"$fixtures/captures/tcpdump_LLDP_and_CDP.pcap" >/dev/null
sqlite3 "$tmp/vraudit.db" .schema >"$tmp/schema.sql"
views=$(grep -oE '^CREATE VIEW [a-z_]+' "$tmp/schema.sql" | cut -d' ' -f3)
[ "$(wc -l <<<"$views")" -ge 6 ] || fail "too few views: $views"
for view in $views; do
	cols=$(sqlite3 "$tmp/vraudit.db" "SELECT name FROM pragma_table_info('$view')")
	python3 - "$tmp/vraudit-schema.7.txt" "$view" $cols <<'PY' || fail "vraudit-schema(7) does not document view $view fully"
import re, sys
text = open(sys.argv[1], encoding='utf-8').read()
view, cols = sys.argv[2], sys.argv[3:]
m = re.search(r'^   ' + re.escape(view) + r'\n(.*?)(?=^   \S|^\S)', text, re.M | re.S)
assert m, f'no subsection {view}'
body = m.group(1)
missing = [c for c in cols if not re.search(r'(^|[^a-z_])' + re.escape(c) + r'([^a-z_]|$)', body)]
assert not missing, f'{view}: columns not described: {missing}'
PY
done

python3 - "$tmp/vraudit-schema.7.txt" "$tmp" <<'PY' || fail "extracting the examples of vraudit-schema(7)"
import sys, textwrap
text = open(sys.argv[1], encoding='utf-8').read()
recipe = text.split('In Python:\n\n', 1)[1].split('\n\n', 1)[0]
open(sys.argv[2] + '/recipe.py', 'w').write(textwrap.dedent(recipe) + '\n')
examples = text.split('\nEXAMPLES\n', 1)[1].split('\nFILES\n', 1)[0]
blocks = [textwrap.dedent(b) for b in examples.split('\n\n') if b.startswith('       SELECT')]
assert len(blocks) >= 5, blocks
open(sys.argv[2] + '/examples.sql', 'w').write('\n'.join(blocks) + '\n')
PY
(cd "$tmp" && python3 recipe.py) >"$tmp/recipe.out" || fail "the Python recipe of vraudit-schema(7) fails"
"$vraudit" verify --db "$tmp/vraudit.db" >"$tmp/verify.out" || fail "verify: $(cat "$tmp/verify.out")"
read -r last prev <"$tmp/recipe.out"
grep -qE "head $last $prev\$" "$tmp/verify.out" ||
	fail "the recipe ends at '$last $prev', verify says: $(cat "$tmp/verify.out")"
sqlite3 -bail "file:$tmp/vraudit.db?mode=ro" <"$tmp/examples.sql" >"$tmp/examples.out" 2>&1 ||
	fail "an example query of vraudit-schema(7) fails: $(cat "$tmp/examples.out")"
grep -q '|Huawei|' "$tmp/examples.out" ||
	fail "the high-risk example found no Huawei element: $(cat "$tmp/examples.out")"

echo "ok"
