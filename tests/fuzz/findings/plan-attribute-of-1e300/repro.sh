#!/bin/sh
# F3 (gate/cost/aws.py, _number): a numeric attribute the price depends on is taken
# as any finite, non-negative Decimal. allocated_storage = 1e300 (a float JSON holds)
# is priced, and rounding the cost to cents fails: "internal error:
# InvalidOperation". Any size from about 1e26 up does the same (instance counts,
# volume sizes, usage-like attributes). Expected: exit 2 naming plan.json and the
# attribute, or the resource left unpriced with FG-COST-001, as for a negative size.
cd "$(dirname "$0")" || exit 2
finops-gate check plan.json --region us-east-1 --today 2026-11-23
echo "exit $?"
