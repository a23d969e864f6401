#!/usr/bin/env bash
# The house style, checked: every C file of the project is as clang-format
# writes it (.clang-format), and no production .c file is over 1,000
# lines (split it along its jobs instead).
#
# usage: scripts/check-format.sh [format|size] [SOURCE_ROOT]
# Exit status: 0 clean, 1 with the files named, 77 when clang-format is
# missing (format only).
set -euo pipefail
what=${1:-format}
top=${2:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$top"
modules="common classify probes policy config store central report pipeline cli daemon schema"

case $what in
format)
	if ! command -v clang-format >/dev/null; then
		echo "check-format: SKIP: clang-format not found (package clang-format)" >&2
		exit 77
	fi
	bad=0
	while IFS= read -r f; do
		if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
			echo "$f: not as clang-format writes it (clang-format -i $f)" >&2
			bad=$((bad + 1))
		fi
	done < <(find $modules tests -name '*.[ch]' | sort)
	[ $bad -eq 0 ] || { echo "check-format: $bad file(s) to format" >&2; exit 1; }
	;;
size)
	bad=0
	while IFS= read -r f; do
		n=$(wc -l <"$f")
		if [ "$n" -gt 1000 ]; then
			echo "$f: $n lines, over 1,000: split it along its jobs" >&2
			bad=$((bad + 1))
		fi
	done < <(find $modules -name '*.c' | sort)
	[ $bad -eq 0 ] || exit 1
	;;
*)
	echo "usage: check-format.sh [format|size] [SOURCE_ROOT]" >&2
	exit 2
	;;
esac
