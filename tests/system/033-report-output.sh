#!/bin/bash
# vraudit report -o PATH for each kind of thing PATH can name, one case per
# run (033-report-output.sh CASE, each registered as its own test, so a
# case that cannot run is skipped on its own and never counted as passed):
#   fifo       a reader of a FIFO gets the whole report (larger than a pipe
#              holds); the FIFO is still a FIFO
#   chardev    a character device made with mknod (1,3: the null device) is
#              still one afterwards and nothing is written beside it;
#              needs root, skipped (77) otherwise
#   socket     a listening Unix socket gets the whole report and stays
#   directory  refused: exit 3, the message names the directory
#   new        a new name: the report, the mode a new file gets, nothing
#              else left in the directory
#   replace    an existing file: replaced whole by rename (a hard link to
#              the old file still holds the old content), its mode kept
#   symlink    a link is followed: what it names is replaced or created,
#              the link stays a link
#   large      a report of tens of MiB (the file is written back to disk
#              as it grows) is the same bytes as on standard output
#   full       a file system too small for the report: exit 3, the
#              message names the file and the cause, the old report is
#              untouched and nothing is left beside it; needs root (a
#              tmpfs in a mount namespace of its own), skipped (77)
#              otherwise
set -euo pipefail

VRAUDIT="${VRAUDIT_BUILD_ROOT:?}/vraudit"
POLICIES="${VRAUDIT_SOURCE_ROOT:?}/conf/policies"
case=${1:?usage: 033-report-output.sh CASE}
tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT

fail() {
	echo "FAIL ($case): $*" >&2
	exit 1
}
skip() {
	echo "SKIP ($case): $*"
	exit 77
}

# The report's time is fixed so that every run writes the same bytes.
export VRAUDIT_NOW=2026-06-01T12:00:00Z
cat >"$tmp/vraudit.conf" <<EOF2
[database]
path = $tmp/vraudit.db
[policy]
packs = uk-dvd-2022
dir = $POLICIES
EOF2
"$VRAUDIT" migrate -c "$tmp/vraudit.conf" >/dev/null
# Huawei elements FIRST..LAST in core, each breaking the core rule with
# its evidence.
add_huawei() {
	python3 - "$tmp/vraudit.db" "$1" "$2" <<'EOF2'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("INSERT OR IGNORE INTO scan (id, kind, started_at, finished_at, status) "
           "VALUES (1, 'snmp', '2025-01-01T00:00:00Z', '2025-01-01T01:00:00Z', 'complete')")
for i in range(int(sys.argv[2]), int(sys.argv[3]) + 1):
    db.execute("INSERT INTO element (id, mgmt_ip, sys_name, zone, vendor, vendor_name, risk, "
               "first_seen, last_seen, first_scan) VALUES (?,?,?,?,?,?,?,?,?,?)",
               (i, '10.%d.%d.%d' % (1 + i // 65536, i // 256 % 256, i % 256), 'core-%d' % i,
                'core', 'huawei', 'Huawei', 'high', '2025-01-01T00:10:00Z',
                '2026-05-31T00:00:00Z', 1))
    db.execute("INSERT INTO element_evidence (element_id, kind, value, vendor, strength, rule, "
               "first_observed, last_observed) VALUES (?, 'sysdescr', ?, 'huawei', 0.85, "
               "'sysdescr /Huawei/', '2025-01-01T00:10:00Z', '2025-01-01T00:10:00Z')",
               (i, 'Huawei Versatile Routing Platform Software, box %d' % i))
db.commit()
EOF2
}
# 600 of them: a text report well over a pipe's 64 KiB.
add_huawei 1 600

# The reference: the same report on standard output (exit 1: violations).
rc=0
"$VRAUDIT" report -c "$tmp/vraudit.conf" >"$tmp/want" 2>"$tmp/err" || rc=$?
[ "$rc" -eq 1 ] || fail "reference report: exit $rc, want 1: $(cat "$tmp/err")"
[ "$(wc -c <"$tmp/want")" -gt 65536 ] ||
	fail "the reference report is smaller than a pipe buffer"

# Run vraudit report -o PATH in $tmp/out; want its exit status.
report_to() {
	local path=$1 want=$2 rc=0
	"$VRAUDIT" report -c "$tmp/vraudit.conf" -o "$path" 2>"$tmp/err" || rc=$?
	[ "$rc" -eq "$want" ] ||
		fail "report -o $path: exit $rc, want $want; stderr: $(cat "$tmp/err")"
}

# The names in $tmp/out, one line.
listing() {
	(cd "$tmp/out" && ls -A | tr '\n' ' ')
}

mkdir "$tmp/out"
case $case in
fifo)
	mkfifo "$tmp/out/fifo"
	cat "$tmp/out/fifo" >"$tmp/got" &
	reader=$!
	pids+=("$reader")
	report_to "$tmp/out/fifo" 1
	# checked first: had it been replaced, the reader would wait forever
	[ -p "$tmp/out/fifo" ] || fail "the FIFO was replaced: $(ls -l "$tmp/out")"
	wait "$reader" || fail "the reader failed"
	pids=()
	cmp "$tmp/want" "$tmp/got" || fail "the reader did not get the whole report"
	[ "$(listing)" = "fifo " ] || fail "files left beside the FIFO: $(listing)"
	;;
chardev)
	[ "$(id -u)" -eq 0 ] || skip "mknod needs root"
	mknod "$tmp/out/null" c 1 3 2>"$tmp/err" ||
		skip "cannot make a device node here: $(cat "$tmp/err")"
	# a file system mounted nodev refuses to open device nodes
	: >"$tmp/out/null" 2>/dev/null || skip "$tmp is mounted nodev"
	report_to "$tmp/out/null" 1
	[ -c "$tmp/out/null" ] || fail "the device was replaced: $(ls -l "$tmp/out")"
	[ "$(stat -c '%t,%T' "$tmp/out/null")" = "1,3" ] ||
		fail "the device changed: $(ls -l "$tmp/out")"
	[ "$(listing)" = "null " ] || fail "files left beside the device: $(listing)"
	;;
socket)
	coproc server {
		python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1])
s.listen(1)
print("ready", flush=True)
c, _ = s.accept()
with open(sys.argv[2], "wb") as f:
    while True:
        b = c.recv(65536)
        if not b:
            break
        f.write(b)
' "$tmp/out/sock" "$tmp/got"
	}
	pids+=("$server_PID")
	server_pid=$server_PID
	read -r line <&"${server[0]}" || fail "the listener did not start"
	[ "$line" = ready ] || fail "the listener said: $line"
	report_to "$tmp/out/sock" 1
	[ -S "$tmp/out/sock" ] || fail "the socket was replaced: $(ls -l "$tmp/out")"
	wait "$server_pid" || fail "the listener failed"
	pids=()
	cmp "$tmp/want" "$tmp/got" || fail "the socket did not get the whole report"
	[ "$(listing)" = "sock " ] || fail "files left beside the socket: $(listing)"
	;;
directory)
	mkdir "$tmp/out/dir"
	report_to "$tmp/out/dir" 3
	grep -qF "vraudit report: $tmp/out/dir: is a directory" "$tmp/err" ||
		fail "the refusal does not name the directory: $(cat "$tmp/err")"
	[ -d "$tmp/out/dir" ] && [ -z "$(ls -A "$tmp/out/dir")" ] ||
		fail "the directory was touched: $(ls -lA "$tmp/out" "$tmp/out/dir")"
	[ "$(listing)" = "dir " ] || fail "files left beside the directory: $(listing)"
	;;
new)
	umask 027
	report_to "$tmp/out/report.txt" 1
	cmp "$tmp/want" "$tmp/out/report.txt" || fail "the new file is not the report"
	[ "$(stat -c %a "$tmp/out/report.txt")" = 640 ] ||
		fail "mode $(stat -c %a "$tmp/out/report.txt"), want 640 (umask 027)"
	[ "$(listing)" = "report.txt " ] || fail "files left behind: $(listing)"
	;;
replace)
	echo "last night's report" >"$tmp/out/report.txt"
	chmod 604 "$tmp/out/report.txt"
	ln "$tmp/out/report.txt" "$tmp/old"
	report_to "$tmp/out/report.txt" 1
	cmp "$tmp/want" "$tmp/out/report.txt" || fail "the file is not the new report"
	[ "$(cat "$tmp/old")" = "last night's report" ] ||
		fail "the old file was written in place, not replaced"
	[ "$(stat -c %a "$tmp/out/report.txt")" = 604 ] ||
		fail "mode $(stat -c %a "$tmp/out/report.txt"), want the old 604"
	[ "$(listing)" = "report.txt " ] || fail "files left behind: $(listing)"
	;;
symlink)
	mkdir "$tmp/out/real"
	echo old >"$tmp/out/real/report.txt"
	ln -s real/report.txt "$tmp/out/link"
	report_to "$tmp/out/link" 1
	[ -L "$tmp/out/link" ] || fail "the link was replaced: $(ls -l "$tmp/out")"
	cmp "$tmp/want" "$tmp/out/real/report.txt" || fail "what the link names is not the report"
	[ "$(ls -A "$tmp/out/real")" = report.txt ] ||
		fail "files left behind: $(ls -A "$tmp/out/real")"
	# a link to a name that does not exist yet: that name is created
	ln -s real/new.txt "$tmp/out/dangling"
	report_to "$tmp/out/dangling" 1
	[ -L "$tmp/out/dangling" ] || fail "the dangling link was replaced"
	cmp "$tmp/want" "$tmp/out/real/new.txt" || fail "the link's target was not created"
	[ "$(listing)" = "dangling link real " ] || fail "files left behind: $(listing)"
	;;
large)
	# 40,000 more
	add_huawei 601 40600
	for format in text json; do
		rc=0
		"$VRAUDIT" report -c "$tmp/vraudit.conf" --format "$format" \
			>"$tmp/want.$format" 2>"$tmp/err" || rc=$?
		[ "$rc" -eq 1 ] || fail "$format on standard output: exit $rc: $(cat "$tmp/err")"
		[ "$(wc -c <"$tmp/want.$format")" -gt $((24 * 1024 * 1024)) ] ||
			fail "the $format report is not the size this case is for"
		echo "last night's report" >"$tmp/out/report.$format"
		rc=0
		"$VRAUDIT" report -c "$tmp/vraudit.conf" --format "$format" \
			-o "$tmp/out/report.$format" 2>"$tmp/err" || rc=$?
		[ "$rc" -eq 1 ] || fail "$format -o: exit $rc: $(cat "$tmp/err")"
		cmp "$tmp/want.$format" "$tmp/out/report.$format" ||
			fail "the $format file is not the report"
	done
	[ "$(listing)" = "report.json report.text " ] || fail "files left behind: $(listing)"
	;;
full)
	[ "$(id -u)" -eq 0 ] || skip "mounting a tmpfs needs root"
	command -v unshare >/dev/null || skip "unshare (util-linux) is missing"
	unshare --mount --propagation private true 2>"$tmp/err" ||
		skip "no mount namespace here: $(cat "$tmp/err")"
	# 64 KiB: the old report fits, the new one (over 64 KiB) does not
	rc=0
	unshare --mount --propagation private bash -c '
		set -e
		mount -t tmpfs -o size=64k tmpfs "$1/out"
		echo "last night'"'"'s report" >"$1/out/report.txt"
		rc=0
		"$2" report -c "$1/vraudit.conf" -o "$1/out/report.txt" 2>"$1/err" || rc=$?
		ls -A "$1/out" | tr "
" " " >"$1/listing"
		cat "$1/out/report.txt" >"$1/left"
		exit "$rc"' full "$tmp" "$VRAUDIT" || rc=$?
	[ "$rc" -eq 3 ] || fail "report -o on a full file system: exit $rc, want 3: $(cat "$tmp/err")"
	grep -qF "vraudit report: writing $tmp/out/report.txt: No space left on device" "$tmp/err" ||
		fail "the message does not name the file and the cause: $(cat "$tmp/err")"
	[ "$(cat "$tmp/left")" = "last night's report" ] ||
		fail "the old report was touched: $(head -c 200 "$tmp/left")"
	[ "$(cat "$tmp/listing")" = "report.txt " ] ||
		fail "files left behind: $(cat "$tmp/listing")"
	;;
*)
	fail "unknown case"
	;;
esac
echo "ok"
