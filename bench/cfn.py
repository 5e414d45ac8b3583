"""Time the CloudFormation reader against the parsing floor, in one process.

    python bench/cfn.py [--sizes 100 1000] [--runs 15] [--keep DIR]

For each size it writes one realistic template twice, as JSON with long-form
intrinsics and as YAML with short-form tags (``!Ref``, ``!Sub``, ``!GetAtt``,
``!If``, ``!FindInMap``, ``!Join``), then times, interleaved run by run:

- the floor: reading the file and parsing it, with ``orjson.loads`` (JSON) or
  ``yaml.load`` with PyYAML's ``CSafeLoader`` plus a ``!`` multi-constructor (YAML);
- the gate's reader, ``gate.sources.cfn.read``: the same file parsed, checked (duplicate
  keys, bombs) and every resource's line located;
- the gate's whole source stage, ``gate.sources.cfn.load``: the reader plus validation,
  intrinsics resolved and the resources built.

It prints the medians, each one's ratio to the floor and resources per second.
The garbage collector is off for both, as it is in the ``finops-gate`` process.
No test asserts on these figures.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import orjson  # noqa: E402
import yaml  # noqa: E402

from gate.sources import cfn  # noqa: E402

TEAMS = ["payments", "platform", "data-eng", "search", "identity", "growth", "sre"]
OWNERS = ["alice@acme.example", "bob@acme.example", "carol@acme.example", "TODO", ""]
COST_CENTERS = ["CC-1001", "CC-2040", "cc_3300", "CC-4411"]
INSTANCE_TYPES = ["t3.micro", "m5.large", "m6i.2xlarge", "c6i.4xlarge"]


def _tags(rng: random.Random, index: int) -> list[dict[str, Any]]:
    """Messy, realistic tags: spellings vary, some are missing, some come from intrinsics."""
    tags: list[dict[str, Any]] = [
        {"Key": rng.choice(["team", "Team", "team_name"]), "Value": rng.choice(TEAMS)},
        {"Key": "environment", "Value": {"Ref": "Env"}},
        {"Key": "Name", "Value": {"Fn::Sub": "${Env}-app-" + str(index)}},
    ]
    if rng.random() < 0.8:
        tags.append({"Key": "owner", "Value": rng.choice(OWNERS)})
    if rng.random() < 0.7:
        tags.append(
            {"Key": rng.choice(["cost-center", "CostCenter"]), "Value": rng.choice(COST_CENTERS)}
        )
    if rng.random() < 0.3:
        tags.append({"Key": "tier", "Value": {"Fn::If": ["IsProd", "gold", "silver"]}})
    if rng.random() < 0.2:
        tags.append(
            {"Key": "stack", "Value": {"Fn::Join": ["-", [{"Ref": "AWS::StackName"}, "x"]]}}
        )
    return tags


def _resource(rng: random.Random, index: int) -> tuple[str, dict[str, Any]]:
    kind = index % 7
    tags = _tags(rng, index)
    if kind == 0:
        return f"Web{index}", {
            "Type": "AWS::EC2::Instance",
            "Properties": {
                "InstanceType": rng.choice(INSTANCE_TYPES),
                "ImageId": {"Fn::FindInMap": ["Images", {"Ref": "AWS::Region"}, "Ami"]},
                "IamInstanceProfile": {"Ref": "Profile"},
                "BlockDeviceMappings": [
                    {"DeviceName": "/dev/xvda", "Ebs": {"VolumeType": "gp3", "VolumeSize": 50}}
                ],
                "Tags": tags,
            },
        }
    if kind == 1:
        return f"Data{index}", {
            "Type": "AWS::S3::Bucket",
            "DeletionPolicy": "Retain",
            "Properties": {
                "BucketName": {"Fn::Sub": "acme-${Env}-data-" + str(index)},
                "VersioningConfiguration": {"Status": "Enabled"},
                "Tags": tags,
            },
        }
    if kind == 2:
        return f"Worker{index}", {
            "Type": "AWS::Lambda::Function",
            "Properties": {
                "Runtime": "python3.12",
                "Handler": "app.handler",
                "MemorySize": rng.choice([128, 512, 1024]),
                "Role": {"Fn::GetAtt": ["Role", "Arn"]},
                "Code": {"S3Bucket": "acme-artifacts", "S3Key": f"worker-{index}.zip"},
                "Tags": tags,
            },
        }
    if kind == 3:
        return f"Queue{index}", {
            "Type": "AWS::SQS::Queue",
            "Properties": {"VisibilityTimeout": 60, "Tags": tags},
        }
    if kind == 4:
        return f"Db{index}", {
            "Type": "AWS::RDS::DBInstance",
            "Condition": "IsProd",
            "Properties": {
                "DBInstanceClass": "db.m6g.large",
                "Engine": "postgres",
                "AllocatedStorage": "100",
                "MultiAZ": {"Fn::If": ["IsProd", True, False]},
                "MasterUsername": "admin",
                "MasterUserPassword": {"Ref": "DbPassword"},
                "Tags": tags,
            },
        }
    if kind == 5:
        return f"Volume{index}", {
            "Type": "AWS::EC2::Volume",
            "Properties": {
                "AvailabilityZone": {"Fn::Select": [0, {"Fn::GetAZs": ""}]},
                "Size": 100,
                "VolumeType": "gp3",
                "Tags": tags,
            },
        }
    return f"Ingress{index}", {
        "Type": "AWS::EC2::SecurityGroupIngress",
        "Properties": {
            "GroupId": {"Ref": "Group"},
            "IpProtocol": "tcp",
            "FromPort": 443,
            "ToPort": 443,
            "CidrIp": "10.0.0.0/8",
        },
    }


def template(size: int, seed: int = 7) -> dict[str, Any]:
    rng = random.Random(seed)
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": f"benchmark stack of {size} resources",
        "Parameters": {
            "Env": {"Type": "String", "Default": "prod", "AllowedValues": ["prod", "dev"]},
            "DbPassword": {"Type": "String", "NoEcho": True, "Default": "not-a-secret"},
            # names the resources refer to, declared (the reader refuses an undeclared one)
            "Profile": {"Type": "String", "Default": "web-profile"},
            "Group": {"Type": "AWS::EC2::SecurityGroup::Id", "Default": "sg-0123456789abcdef0"},
        },
        "Mappings": {"Images": {"us-east-1": {"Ami": "ami-0123456789abcdef0"}}},
        "Conditions": {"IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]}},
        "Resources": {
            **dict(_resource(rng, i) for i in range(size)),
            "Role": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {}}},
        },
        "Outputs": {"StackEnv": {"Value": {"Ref": "Env"}}},
    }


# ------------------------------------------------------------------ YAML with short forms

_SHORT = {"Ref": "Ref", "Condition": "Condition"}


class _Tagged:
    """A node to be written as ``!Name value``."""

    def __init__(self, tag: str, value: Any) -> None:
        self.tag, self.value = tag, value


def _short_forms(node: Any) -> Any:
    if isinstance(node, list):
        return [_short_forms(item) for item in node]
    if isinstance(node, dict):
        if len(node) == 1:
            ((name, argument),) = node.items()
            if name in _SHORT or name.startswith("Fn::"):
                short = _SHORT.get(name) or name[4:]
                if short == "GetAtt" and isinstance(argument, list):
                    return _Tagged("!GetAtt", ".".join(argument))
                return _Tagged("!" + short, _short_forms(argument))
        return {key: _short_forms(value) for key, value in node.items()}
    return node


class _Dumper(yaml.SafeDumper):
    pass


def _represent_tagged(dumper: _Dumper, data: _Tagged) -> yaml.Node:
    if isinstance(data.value, list):
        return dumper.represent_sequence(data.tag, data.value, flow_style=True)
    if isinstance(data.value, dict):
        return dumper.represent_mapping(data.tag, data.value)
    return dumper.represent_scalar(data.tag, str(data.value))


_Dumper.add_representer(_Tagged, _represent_tagged)


def as_yaml(document: dict[str, Any]) -> str:
    return yaml.dump(_short_forms(document), Dumper=_Dumper, sort_keys=False, width=200)


# ------------------------------------------------------------------ timing


class _BangLoader(yaml.CSafeLoader):
    """The floor's YAML loader: libyaml, every ``!`` tag constructed as a plain value."""


def _bang(loader: _BangLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return {suffix: loader.construct_scalar(node)}
    if isinstance(node, yaml.SequenceNode):
        return {suffix: loader.construct_sequence(node, deep=True)}
    return {suffix: loader.construct_mapping(node, deep=True)}  # type: ignore[arg-type]


_BangLoader.add_multi_constructor("!", _bang)


def floor_json(path: Path) -> Any:
    return orjson.loads(path.read_bytes())


def floor_yaml(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_BangLoader)


def read(path: Path) -> Any:
    return cfn.read(path)


def load(path: Path) -> Any:
    return cfn.load(path, cfn.TemplateOptions(region="us-east-1"))


def _once(function: Callable[[Path], Any], path: Path) -> float:
    gc.collect()
    start = time.perf_counter()
    function(path)
    return time.perf_counter() - start


def measure(path: Path, floor: Callable[[Path], Any], runs: int) -> tuple[float, float, float]:
    for warm in (floor, read, load):  # imports, caches, the file in the page cache
        warm(path)
    times: tuple[list[float], list[float], list[float]] = ([], [], [])
    for _ in range(runs):  # interleaved, so a noisy moment hits all three
        for function, spent in zip((floor, read, load), times, strict=True):
            spent.append(_once(function, path))
    floor_s, read_s, load_s = (statistics.median(spent) for spent in times)
    return floor_s, read_s, load_s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--keep", type=Path, help="write the templates here and keep them")
    arguments = parser.parse_args()
    gc.disable()
    with tempfile.TemporaryDirectory() as scratch:
        folder = arguments.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        print(
            f"{'template':<16}{'bytes':>10}{'floor ms':>10}{'read ms':>10}{'ratio':>7}"
            f"{'load ms':>10}{'ratio':>7}{'resources/s':>13}"
        )
        for size in arguments.sizes:
            document = template(size)
            files = {
                f"cfn_{size}.json": (json.dumps(document, indent=2), floor_json),
                f"cfn_{size}.yaml": (as_yaml(document), floor_yaml),
            }
            for name, (text, floor) in files.items():
                path = folder / name
                path.write_text(text, encoding="utf-8")
                floor_s, read_s, load_s = measure(path, floor, arguments.runs)
                print(
                    f"{name:<16}{len(text):>10,}{floor_s * 1e3:>10.1f}"
                    f"{read_s * 1e3:>10.1f}{read_s / floor_s:>7.2f}"
                    f"{load_s * 1e3:>10.1f}{load_s / floor_s:>7.2f}{size / load_s:>13,.0f}"
                )


if __name__ == "__main__":
    main()
