#!/bin/bash
# The HTML report in a real browser: headless Chromium renders the file
# and the rendered DOM must hold the verdicts, the tables, both SVG charts
# (bars with cap lines, history lines), and hostile network text as text,
# not markup. The file must need nothing from outside itself.
# Skips (77) when Chromium is not installed.
set -euo pipefail

VRAUDIT="${VRAUDIT_BUILD_ROOT:?}/vraudit"
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
	echo "SKIP: chromium is not installed (apt-get install chromium)"
	exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

"$VRAUDIT" migrate --db "$tmp/vraudit.db" >/dev/null
python3 - "$tmp/vraudit.db" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("INSERT INTO scan (id, kind, started_at, finished_at, status) "
           "VALUES (1, 'snmp', '2023-01-01T00:00:00Z', '2023-01-01T01:00:00Z', 'complete')")
rows = [('ran', 'huawei', 'high', '2023-01-01T00:10:00Z', 1)] * 4 + \
       [('ran', 'cisco', 'none', '2023-01-01T00:10:00Z', 1)] * 6 + \
       [('core', 'huawei', 'high', '2024-03-01T00:00:00Z', None),
        (None, 'zte', 'high', '2024-05-01T00:00:00Z', None)]
for i, (zone, vendor, risk, first, scan) in enumerate(rows, 1):
    db.execute("INSERT INTO element (id, mgmt_ip, sys_name, zone, vendor, vendor_name, risk, "
               "first_seen, last_seen, first_scan) VALUES (?,?,?,?,?,?,?,?,?,?)",
               (i, '10.0.0.%d' % i, 'sw-%d' % i, zone, vendor, vendor, risk, first,
                '2024-06-01T00:00:00Z', scan))
db.execute("INSERT INTO element_evidence (element_id, kind, value, vendor, strength, rule, "
           "first_observed, last_observed) VALUES (11, 'sysdescr', "
           "'Huawei <script>document.title=\"pwned\"</script><b>bold</b> & co', "
           "'huawei', 0.85, 'huawei-vrp', '2024-03-01T00:00:00Z', '2024-03-01T00:00:00Z')")
db.commit()
EOF

rc=0
"$VRAUDIT" report --db "$tmp/vraudit.db" --policy uk-dvd-2022 \
	--policy us-fcc-covered --format html --as-of 2024-06-01 \
	-o "$tmp/report.html" 2>"$tmp/err" || rc=$?
[ "$rc" -eq 1 ] || fail "exit $rc, want 1: $(cat "$tmp/err")"

# Self-contained: no external scripts, styles, images or fonts.
if grep -Eiq '<(script|link|img|iframe)|src=|@import|url\(' "$tmp/report.html"; then
	fail "the report refers to something outside itself"
fi
grep -q '@media print' "$tmp/report.html" || fail "no print style"

timeout 120 "$browser" --headless --no-sandbox --disable-gpu \
	--disable-background-networking --disable-component-update \
	--disable-sync --no-first-run --user-data-dir="$tmp/profile" \
	--dump-dom "file://$tmp/report.html" >"$tmp/dom.html" 2>"$tmp/browser.err" ||
	fail "chromium failed: $(tail -5 "$tmp/browser.err")"

python3 - "$tmp/dom.html" <<'EOF'
import sys
from html.parser import HTMLParser

class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.stack, self.text, self.title = [], [], [], ''
        self.svg = {}
        self.cur_svg = None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        self.stack.append(tag)
        if tag == 'svg':
            self.cur_svg = a.get('id')
            self.svg[self.cur_svg] = []
        elif self.cur_svg:
            self.svg[self.cur_svg].append((tag, a))
    def handle_endtag(self, tag):
        if tag == 'svg':
            self.cur_svg = None
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()
    def handle_data(self, data):
        if self.stack and self.stack[-1] == 'title' and not self.cur_svg:
            self.title += data
        self.text.append(data)

p = Page()
p.feed(open(sys.argv[1]).read())
text = ' '.join(p.text)
def fail(msg):
    sys.exit('FAIL: ' + msg)

if 'vraudit compliance report' not in p.title:
    fail('page title: %r' % p.title)
for want in ('violations', 'uk-dvd-2022', 'us-fcc-covered', 'ran-cap',
             'not sites or traffic', 'High-risk elements over time',
             'Zone shares against caps', 'unassigned'):
    if want not in text:
        fail('%r not on the page' % want)
# Hostile text stays text: no script or b element came from it.
if any(t == 'script' for t, _ in p.tags) or any(t == 'b' for t, _ in p.tags):
    fail('network text became markup')
if '<script>document.title="pwned"</script><b>bold</b> & co' not in text:
    fail('evidence text not shown verbatim')
tables = [a.get('class') for t, a in p.tags if t == 'table']
for cls in ('meta', 'violations', 'shares', 'new', 'counts'):
    if cls not in tables:
        fail('no %s table (tables: %s)' % (cls, tables))
bars = p.svg.get('zone-share-chart')
if not bars:
    fail('no zone share chart')
rects = [a for t, a in bars if t == 'rect']
lines = [a for t, a in bars if t == 'line']
if len(lines) < 5 or len(rects) < 10:
    fail('zone share chart has %d bars and %d cap lines' % (len(rects), len(lines)))
hist = p.svg.get('history-chart')
if not hist or len([a for t, a in hist if t == 'polyline']) != 2:
    fail('history chart lines missing')
pts = [a for t, a in hist if t == 'polyline'][0]['points'].split()
if len(pts) < 2:
    fail('history chart has %d points' % len(pts))
EOF
echo "ok"
