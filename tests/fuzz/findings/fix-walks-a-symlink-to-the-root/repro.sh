#!/bin/sh
# F1 (gate/fix/__init__.py, classify): a path given to `fix` that is a directory is
# walked with Path.rglob, without a bound and without tolerating entries that vanish.
# A committed symlink `evil.yaml -> /` (or `evil.tf -> /` under `fix --hook`) makes it
# walk the whole file system: an internal error (FileNotFoundError when a /proc entry
# disappears mid-walk), or minutes of walking. `check` refuses the same path within a
# second ("more than 10,000 directories below it", gate/sources/hcl.py).
# Expected: exit 2, one line naming evil.yaml. The symlink is made at run time: a link
# to / inside the project would be walked by every tool that searches tests/.
set -u
dir=$(mktemp -d)
ln -s / "$dir/evil.yaml"
cd "$dir" || exit 2
timeout 120 finops-gate fix evil.yaml --today 2026-11-23
echo "exit $?"
cd / && rm -rf "$dir"
