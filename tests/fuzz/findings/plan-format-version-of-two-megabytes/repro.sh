#!/bin/sh
# F4 (gate/sources/tfplan.py): an unsupported format_version is quoted whole in the
# refusal. The plan is built here (2 MB) rather than kept in the project. Expected: the
# one line names plan.json and a shortened value; observed: a line of 2 MB on stderr
# (any length the plan's author chooses, up to the plan size limit).
set -u
dir=$(mktemp -d)
python3 -c "
import json, sys
json.dump({'format_version': ' ' * 2_000_000, 'resource_changes': []}, open(sys.argv[1], 'w'))
" "$dir/plan.json"
cd "$dir" || exit 2
finops-gate check plan.json --today 2026-11-23 2>stderr
echo "exit $?, $(wc -c < stderr) bytes on stderr"
cd / && rm -rf "$dir"
