#!/bin/bash
# vraudit report over a network too large to list on one page: a
# generated capture of 3,000 hosts (Huawei, ZTE, H3C, Hikvision among
# others, in zones by subnet) ingested, then every format. The HTML must
# stay small, group the violations with counts that match the CSV and
# JSON, and name the exports; CSV and JSON must hold every violation.
# Nothing here depends on how fast the machine is.
set -euo pipefail

VRAUDIT="${VRAUDIT_BUILD_ROOT:?}/vraudit"
GEN="${VRAUDIT_BUILD_ROOT:?}/tests/bench/gen_capture"
POLICIES="${VRAUDIT_SOURCE_ROOT:?}/conf/policies"
[ -x "$GEN" ] || { echo "SKIP: $GEN not built"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

cat >"$tmp/vraudit.conf" <<EOF
[database]
path = $tmp/vraudit.db
[zone core]
subnets = 10.0.0.0/22
[zone ran]
subnets = 10.0.4.0/22
[zone mgmt]
subnets = 10.0.8.0/21
[policy]
packs = uk-dvd-2022, us-fcc-covered
dir = $POLICIES
EOF
"$GEN" "$tmp/net.pcap" 30000 3000 >/dev/null
"$VRAUDIT" ingest --quiet -c "$tmp/vraudit.conf" "$tmp/net.pcap" >/dev/null

for f in html csv json; do
	rc=0
	"$VRAUDIT" report -c "$tmp/vraudit.conf" --format "$f" \
		-o "$tmp/report.$f" 2>"$tmp/err" || rc=$?
	[ "$rc" -eq 1 ] || fail "report --format $f: exit $rc, want 1: $(cat "$tmp/err")"
done

size=$(stat -c %s "$tmp/report.html")
[ "$size" -lt 1000000 ] || fail "HTML is $size bytes"
grep -q 'vraudit report --format csv' "$tmp/report.html" || fail "HTML does not name the CSV export"
grep -q 'vraudit report --format json' "$tmp/report.html" || fail "HTML does not name the JSON export"
grep -q 'id="sign-off"' "$tmp/report.html" || fail "HTML has no sign-off"

python3 - "$tmp/vraudit.db" "$tmp/report.html" "$tmp/report.csv" "$tmp/report.json" <<'EOF'
import collections, csv, json, sqlite3, sys
from html.parser import HTMLParser

def fail(msg):
    sys.exit('FAIL: ' + msg)

class Groups(HTMLParser):
    """The rows of table.groups, as lists of cell texts."""
    def __init__(self):
        super().__init__()
        self.table, self.rows, self.cell = None, [], None
        self.articles = set()
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == 'table':
            self.table = a.get('class')
        elif tag == 'tr' and self.table == 'groups' and a.get('class') == 'group':
            self.rows.append([])
        elif tag == 'td' and self.table == 'groups' and self.rows:
            self.cell = ''
        elif tag == 'article':
            self.articles.add(int(a['data-element']))
    def handle_endtag(self, tag):
        if tag == 'td' and self.cell is not None:
            self.rows[-1].append(self.cell.strip())
            self.cell = None
        elif tag == 'table':
            self.table = None
    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data

page = Groups()
page.feed(open(sys.argv[2], encoding='utf-8').read())
if not page.rows:
    fail('HTML has no grouped violations')

db = sqlite3.connect('file:%s?mode=ro' % sys.argv[1], uri=True)
violations = db.execute('SELECT count(*) FROM violations').fetchone()[0]
elements = db.execute('SELECT count(DISTINCT element_id) FROM violations').fetchone()[0]
if elements <= 200:
    fail('only %d violating elements: not enough to group' % elements)

with open(sys.argv[3], newline='') as f:
    rows = [r for r in csv.DictReader(f) if r['row'] == 'rule' and r['element_id']]
rep = json.load(open(sys.argv[4]))
if len(rows) != violations or len(rep['violations']) != violations:
    fail('CSV has %d violations, JSON %d, the view %d' % (len(rows), len(rep['violations']), violations))
if len(rep['violating_elements']) != elements:
    fail('JSON lists %d violating elements, the view %d' % (len(rep['violating_elements']), elements))

key = lambda p, r, z, v, s: (p, r, z, v, s)
from_csv = collections.Counter(key(r['policy'], r['rule'], r['zone'], r['vendor'], r['status']) for r in rows)
from_json = collections.Counter(key(v['policy'], v['rule'], v['zone'], v['vendor'], v['status'])
                                for v in rep['violations'])
from_html = {}
for cells in page.rows:
    pack, rule, zone, vendor, status, n, first, more = cells
    sample = [int(x) for x in first.split(',')]
    if len(sample) + int(more) != int(n) or len(sample) > 3:
        fail('group %s: %s shown, %s more, %s in all' % (cells[:5], sample, more, n))
    missing = [e for e in sample if e not in page.articles]
    if missing:
        fail('sampled elements without an entry: %s' % missing)
    from_html[key(pack, rule, zone, vendor, status)] = int(n)
if from_html != dict(from_csv) or from_html != dict(from_json):
    fail('HTML groups differ from the CSV or JSON:\n%s\n%s' % (from_html, dict(from_csv)))
ids = {int(r['element_id']) for r in rows}
if len(ids) != elements:
    fail('CSV holds %d of %d violating elements' % (len(ids), elements))
EOF
echo "ok"
