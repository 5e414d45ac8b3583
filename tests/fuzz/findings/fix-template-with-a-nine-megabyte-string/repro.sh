#!/bin/sh
# F5 (gate/fix/, the CloudFormation JSON path): `fix` on a 9 MB JSON template whose
# bulk is one string (here a Ref's target) peaks at about 1.1 GB of resident memory,
# some 120 bytes per character; `check` reads the same template in 65 MB. Past the
# bound of 1 GB for inputs under 10 MB. The template is built here rather than kept.
set -u
dir=$(mktemp -d)
python3 -c "
import json, sys
template = {
    'AWSTemplateFormatVersion': '2010-09-09',
    'Resources': {
        'Queue': {
            'Type': 'AWS::SQS::Queue',
            'Properties': {
                'Tags': [{'Key': 'team', 'Value': 'sre'}],
                'RedrivePolicy': {'deadLetterTargetArn': {'Ref': 'a' * 9_000_000}},
            },
        }
    },
}
json.dump(template, open(sys.argv[1], 'w'))
" "$dir/template.json"
cd "$dir" || exit 2
/usr/bin/time -f "peak resident memory: %M KB" finops-gate fix template.json --today 2026-11-23 >/dev/null
echo "exit $?"
cd / && rm -rf "$dir"
