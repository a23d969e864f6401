#!/usr/bin/env python3
"""Refuse an include that runs against the layer order (ARCHITECTURE.md).

usage: check-layers.py SOURCE_ROOT STAMP MODULE=DEP,DEP ...

Every C file of a module may include headers of its own directory and of
the modules it declares, always with their directory ("store/store.h").
Standard and library headers (<...>) and the generated vraudit-config.h are
not checked. On success STAMP is written; otherwise each offending line is
printed as FILE:LINE and the exit status is 1.
"""
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
FREE = {"vraudit-config.h"}


def main(argv):
    root, stamp, specs = argv[1], argv[2], argv[3:]
    deps = {}
    for spec in specs:
        mod, _, rest = spec.partition("=")
        deps[mod] = {d for d in rest.split(",") if d}
    errors = []
    for mod in sorted(deps):
        allowed = deps[mod] | {mod}
        folder = os.path.join(root, mod)
        for name in sorted(os.listdir(folder)):
            if not name.endswith((".c", ".h")):
                continue
            path = os.path.join(folder, name)
            with open(path, encoding="utf-8") as f:
                for no, line in enumerate(f, 1):
                    m = INCLUDE.match(line)
                    if not m or m.group(1) in FREE:
                        continue
                    header = m.group(1)
                    where = f"{mod}/{name}:{no}"
                    if "/" not in header:
                        errors.append(f"{where}: \"{header}\": include "
                                      "headers with their directory")
                        continue
                    target = header.split("/", 1)[0]
                    if target not in deps:
                        errors.append(f"{where}: \"{header}\": not a module")
                    elif target not in allowed:
                        errors.append(f"{where}: \"{header}\": {mod} may "
                                      f"not use {target} (it uses "
                                      f"{', '.join(sorted(deps[mod])) or 'nothing'})")
    if errors:
        for e in errors:
            print(e, file=sys.stderr)
        print(f"check-layers: {len(errors)} include(s) against the layer "
              "order (see ARCHITECTURE.md)", file=sys.stderr)
        return 1
    with open(stamp, "w") as f:
        f.write("ok\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
