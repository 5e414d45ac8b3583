#!/bin/sh
# F2 (gate/fix/hcl.py): expected exit 2, one line naming main.tf:6 ("invalid escape
# sequence \. in a string"); observed: "internal error: EvalError: …".
cd "$(dirname "$0")" || exit 2
finops-gate fix main.tf --today 2026-11-23
echo "exit $?"
