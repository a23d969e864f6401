#!/usr/bin/env bash
# The main job on the bundled lab: install what is missing, build, check the
# lab's configuration, build a fresh database and print its inventory.
# Run it again and it gives the same result. Output lands in lab-out/.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

bash scripts/install-deps.sh
if [ -f build/build.ninja ]; then
	meson setup --reconfigure build >build.setup.log 2>&1 || { cat build.setup.log >&2; exit 1; }
else
	rm -rf build
	meson setup build >build.setup.log 2>&1 || { cat build.setup.log >&2; exit 1; }
fi
ninja -C build >build.log 2>&1 || { cat build.log >&2; exit 1; }

vraudit=build/vraudit
conf=conf/lab/vraudit.conf
out=lab-out
db=$out/lab.db
mkdir -p "$out"
rm -f "$db" "$db-wal" "$db-shm"

echo "== configuration ($conf)"
$vraudit check-config -c "$conf" >"$out/effective.conf"
echo "== database"
$vraudit migrate -c "$conf" --db "$db"
echo "== inventory"
$vraudit elements -c "$conf" --db "$db"
echo
echo "database: $top/$db"
echo "effective configuration: $top/$out/effective.conf"
