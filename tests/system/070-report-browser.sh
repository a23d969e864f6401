#!/usr/bin/env bash
# The lab's HTML report as an auditor opens it: rendered by headless
# Chromium in a 1366x768 window (its viewport is what a browser on such a
# screen leaves, about 1366x625), the summary is inside the first screen
# and comes before the charts; the rendered text shows no escape such as
# \x0d; every element the violations view lists appears exactly once in
# the violations section, those without a management address located by
# their other address and said to be so; the provenance (version,
# configuration and its digest, each pack's digest, audit head, data age)
# and the sign-off block are there; and with the print style applied,
# every element's evidence is visible although it is collapsed on screen.
#
# The database is the lab's, made by the real programs: its agents swept
# by vraudit scan, its mirror-port capture ingested. Skips (77) when
# Chromium is missing. With VRAUDIT_SCREENSHOTS=DIR, the first screen is
# saved as DIR/070-report-browser.png.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
require snmpsimd snmpget sqlite3
require_python
browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || skip "chromium is not installed (apt-get install chromium)"
at_exit 'bash "$src/tests/lib/snmpsim.sh" stop "$tmp/sim"'

# The lab's agents on addresses of this test's own (127.70.x.y).
port=16179
args=()
for f in "$src"/conf/lab/agents/*.snmprec; do
	addr=$(basename "$f")
	addr=${addr%%_*}
	args+=("${addr/127.0./127.70.}:$port" "$f")
done
bash "$src/tests/lib/snmpsim.sh" start "$tmp/sim" "${args[@]}"
printf 'public\n' >"$tmp/community"
chmod 600 "$tmp/community"
sed -e "s/127\.0\./127.70./g" -e "s/^port = .*/port = $port/" \
	-e "s|^community-file = .*|community-file = $tmp/community|" \
	-e "s|^path = .*|path = $tmp/lab.db|" \
	-e "s|^dir = \.\./policies|dir = $src/conf/policies|" \
	-e "s/^timeout = .*/timeout = 5s/" \
	"$src/conf/lab/vraudit.conf" >"$tmp/vraudit.conf"
"$vraudit" scan -c "$tmp/vraudit.conf" --quiet >"$tmp/out" 2>"$tmp/err" ||
	fail "scan exited $?: $(cat "$tmp/err")"
bash "$src/tests/lib/snmpsim.sh" stop "$tmp/sim"
python3 "$src/scripts/lab-capture.py" "$tmp/mirror.pcap"
"$vraudit" ingest -c "$tmp/vraudit.conf" --quiet "$tmp/mirror.pcap" >"$tmp/out" 2>"$tmp/err" ||
	fail "ingest exited $?: $(cat "$tmp/err")"

rc=0
"$vraudit" report -c "$tmp/vraudit.conf" --format html -o "$tmp/report.html" 2>"$tmp/err" || rc=$?
[ "$rc" -eq 1 ] || fail "report exited $rc, want 1 (the lab has violations): $(cat "$tmp/err")"
if grep -Eiq '<(script|link|img|iframe)|src=|@import|url\(' "$tmp/report.html"; then
	fail "the report refers to something outside itself"
fi

# A copy with a probe that measures the page as laid out, writes what it
# found into the page, then applies the print style's rules (copied out of
# @media print) and measures again.
python3 - "$tmp/report.html" "$tmp/probe.html" <<'EOF'
import sys
page = open(sys.argv[1], encoding='utf-8').read()
probe = r'''<script>
(function () {
  var out = {};
  var s = document.getElementById('summary');
  var c = document.getElementById('charts');
  var r = s ? s.getBoundingClientRect() : null;
  out.viewport = [window.innerWidth, window.innerHeight];
  out.summary = r ? [r.top, r.bottom, r.left, r.right] : null;
  out.charts_top = c ? c.getBoundingClientRect().top : null;
  var ids = [];
  document.querySelectorAll('#violations article.element').forEach(function (a) {
    ids.push(a.getAttribute('data-element'));
  });
  out.elements = ids;
  var hidden = [];
  function evidence() {
    var n = [];
    document.querySelectorAll('details.evidence').forEach(function (d) {
      var t = d.querySelector('table.evidence');
      // a closed details' content is laid out but not rendered
      n.push(!!t && !d.open && t.checkVisibility() &&
             t.getBoundingClientRect().height > 0);
    });
    return n;
  }
  out.screen_evidence = evidence();
  var rules = [];
  for (var i = 0; i < document.styleSheets.length; i++) {
    var sheet = document.styleSheets[i];
    for (var k = 0; k < sheet.cssRules.length; k++) {
      var m = sheet.cssRules[k];
      if (m.media && m.media.mediaText.indexOf('print') >= 0)
        for (var j = 0; j < m.cssRules.length; j++)
          rules.push(m.cssRules[j].cssText);
    }
  }
  var st = document.createElement('style');
  st.textContent = rules.join('\n');
  document.head.appendChild(st);
  out.print_evidence = evidence();
  // what a reader sees with the evidence open, and every text node
  out.text = document.body.innerText + '\n' + document.body.textContent;
  var pre = document.createElement('pre');
  pre.id = 'probe-result';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>'''
assert page.count('</body>') == 1
open(sys.argv[2], 'w', encoding='utf-8').write(page.replace('</body>', probe + '</body>'))
EOF

chrome() {
	timeout 300 "$browser" --headless --no-sandbox --disable-gpu \
		--disable-background-networking --disable-component-update \
		--disable-sync --no-first-run --hide-scrollbars \
		--user-data-dir="$tmp/profile" --window-size=1366,768 "$@" \
		2>>"$tmp/browser.err"
}
chrome --dump-dom "file://$tmp/probe.html" >"$tmp/probe.dom" ||
	fail "chromium failed: $(tail -5 "$tmp/browser.err")"
chrome --dump-dom "file://$tmp/report.html" >"$tmp/report.dom" ||
	fail "chromium failed: $(tail -5 "$tmp/browser.err")"
chrome --screenshot="$tmp/report.png" "file://$tmp/report.html" >/dev/null ||
	fail "chromium failed: $(tail -5 "$tmp/browser.err")"
[ -s "$tmp/report.png" ] || fail "no screenshot"
if [ -n "${VRAUDIT_SCREENSHOTS:-}" ]; then
	cp "$tmp/report.png" "$VRAUDIT_SCREENSHOTS/070-report-browser.png"
fi

python3 - "$tmp/probe.dom" "$tmp/report.dom" "$tmp/lab.db" "$tmp/vraudit.conf" "$src" <<'EOF'
import hashlib, html, json, re, sqlite3, sys
from html.parser import HTMLParser

def fail(msg):
    sys.exit('FAIL: ' + msg)

probe = open(sys.argv[1], encoding='utf-8').read()
m = re.search(r'<pre id="probe-result">(.*?)</pre>', probe, re.S)
if not m:
    fail('the probe wrote nothing (did the page load?)')
got = json.loads(html.unescape(m.group(1)))

# The summary on the first screen, before the charts.
w, h = got['viewport']
if w > 1366 or h > 768 or h < 600:
    fail('viewport %sx%s, not a 1366x768 window' % (w, h))
if got['summary'] is None:
    fail('no summary section')
top, bottom, left, right = got['summary']
if top < 0 or bottom > h or left < 0 or right > w:
    fail('the summary is not inside the first %dx%d screen: %s' % (w, h, got['summary']))
if got['charts_top'] is None or got['charts_top'] < bottom:
    fail('the charts do not follow the summary')

# No escape shown as text.
for esc in ('\\x0d', '\\x0a', '\\r\\n'):
    if esc in got['text']:
        i = got['text'].index(esc)
        fail('%r shown on the page: ...%s...' % (esc, got['text'][max(0, i - 60):i + 20]))

# Every violating element once, and only those.
db = sqlite3.connect('file:%s?mode=ro' % sys.argv[3], uri=True)
want = sorted(str(r[0]) for r in db.execute('SELECT DISTINCT element_id FROM violations'))
if not want:
    fail('the lab has no violation')
if sorted(got['elements']) != want:
    fail('violating elements on the page %s, in the view %s' % (sorted(got['elements']), want))

# Evidence collapsed on screen, all of it visible with the print style.
if not got['print_evidence'] or not all(got['print_evidence']):
    fail('evidence hidden when printed: %s' % got['print_evidence'])
if any(got['screen_evidence']):
    fail('evidence not collapsed on screen: %s' % got['screen_evidence'])

# The rendered DOM of the report itself.
class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.section = None
        self.depth = 0
        self.text = {}
        self.articles = {}
        self.cur = None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == 'section':
            self.section = a.get('id')
        if tag == 'article':
            self.cur = a.get('data-element')
            self.articles[self.cur] = ''
    def handle_endtag(self, tag):
        if tag == 'article':
            self.cur = None
    def handle_data(self, data):
        self.text[self.section] = self.text.get(self.section, '') + data
        if self.cur:
            self.articles[self.cur] += data

p = Page()
p.feed(open(sys.argv[2], encoding='utf-8').read())

# Those without a management address are located by another address.
noaddr = db.execute(
    "SELECT DISTINCT v.element_id, (SELECT a.value FROM element_address a "
    "WHERE a.element_id = v.element_id AND a.kind = 'ipv4' ORDER BY a.value LIMIT 1) "
    "FROM violations v WHERE v.mgmt_ip IS NULL").fetchall()
located = 0
for eid, ip in noaddr:
    text = p.articles.get(str(eid), '')
    if ip is None:
        continue
    if ip not in text or 'not the management address' not in text:
        fail('element %s (ARP gave %s) is not located: %s' % (eid, ip, text[:200]))
    located += 1
if located == 0:
    fail('the lab has no violating element known only by another address')

# Provenance and sign-off.
prov = p.text.get('provenance', '')
conf = sys.argv[4]
digest = hashlib.sha256(open(conf, 'rb').read()).hexdigest()
for want in ('vraudit version', conf, digest, 'audit chain head', 'newest observation on',
             'uk-dvd-2022', 'us-fcc-covered'):
    if want not in prov:
        fail('provenance lacks %r' % want)
for pack in ('uk-dvd-2022', 'us-fcc-covered'):
    path = '%s/conf/policies/%s.conf' % (sys.argv[5], pack)
    if hashlib.sha256(open(path, 'rb').read()).hexdigest() not in prov:
        fail('provenance lacks the digest of %s' % path)
sign = p.text.get('sign-off', '')
for want in ('name', 'role', 'date', 'signature'):
    if want not in sign:
        fail('sign-off lacks %r' % want)
EOF
echo ok
