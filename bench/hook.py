"""Time a pre-commit hook run on a typical change: interpreter start plus the check
of one small Terraform module (a few files) and one CloudFormation template.

    python bench/hook.py [--runs 5]

Prints the median wall time and peak memory of each hook command in a fresh
process, and which heavy modules were imported (boto3, requests must not be).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

MODULE = {
    "variables.tf": 'variable "env" {\n  default = "production"\n}\n',
    "locals.tf": 'locals {\n  tags = { team = "checkout", environment = var.env, owner = "lead-checkout@acme.example", cost-center = "CC-4100" }\n}\n',
    "providers.tf": 'provider "aws" {\n  region = "us-east-1"\n  default_tags {\n    tags = local.tags\n  }\n}\n',
    "main.tf": "".join(
        f'resource "aws_instance" "app{i}" {{\n  instance_type = "m5.large"\n  tags = merge(local.tags, {{ Name = "app{i}" }})\n}}\n'
        for i in range(20)
    ),
}
TEMPLATE = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n" + "".join(
    f"  Queue{i}:\n    Type: AWS::SQS::Queue\n    Properties:\n      Tags:\n        - {{Key: team, Value: checkout}}\n"
    for i in range(20)
)


def timed(argv: list[str], cwd: Path) -> tuple[float, float, int]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, capture_output=True, check=False)
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(peak, before) / 1024, done.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        for name, text in MODULE.items():
            (work / name).write_text(text)
        (work / "stack.yaml").write_text(TEMPLATE)
        rules = ["--rules", str(ROOT / "rules")]
        commands = {
            "hook terraform (4 files, 20 resources)": [
                sys.executable,
                "-m",
                "gate",
                "hook",
                "terraform",
                *MODULE,
                *rules,
            ],
            "hook cloudformation (1 template, 20 resources)": [
                sys.executable,
                "-m",
                "gate",
                "hook",
                "cloudformation",
                "stack.yaml",
                *rules,
            ],
            "python -c pass (interpreter alone)": [sys.executable, "-c", "pass"],
        }
        print(f"pre-commit hook benchmark (python {sys.version.split()[0]}, median of {runs})")
        for label, argv in commands.items():
            samples = [timed(argv, work) for _ in range(runs)]
            wall = statistics.median(s[0] for s in samples)
            print(
                f"  {label:<48} {wall * 1000:7.0f} ms  peak {max(s[1] for s in samples):5.0f} MiB  exit {samples[0][2]}"
            )
        probe = (
            "import os, sys, runpy\n"
            "os._exit = lambda code: None\n"
            "sys.argv = ['finops-gate', 'hook', 'terraform', 'main.tf', '--rules', %r]\n"
            "try:\n    runpy.run_module('gate', run_name='__main__')\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('boto3', 'botocore', 'requests', 'jsonschema', 'opa_client', 'urllib3') if m in sys.modules))"
        )
        done = subprocess.run(
            [sys.executable, "-c", probe % str(ROOT / "rules")],
            cwd=work,
            capture_output=True,
            text=True,
            check=False,
        )
        print(
            f"  heavy modules imported by the hook: {done.stdout.strip().splitlines()[-1] if done.stdout.strip() else '?'}"
        )


if __name__ == "__main__":
    main()
