"""The wheel carries what the gate needs at run time: policies, example rules, the
plan template, schemas, the price catalog and its licences, the CloudFormation
tagging data."""

from __future__ import annotations

import subprocess
import sys
import zipfile

import pytest

from tests.conftest import REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--quiet",
            "--wheel-dir",
            str(out),
            str(REPO),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    [built] = out.glob("finops_gate-*.whl")
    return zipfile.ZipFile(built)


def test_wheel_contents(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    expected = {
        "gate/_bundled/policies/gate.rego",
        "gate/_bundled/policies/tags.rego",
        "gate/_bundled/policies/budget.rego",
        "gate/_bundled/policies/capacity_plan.rego",
        "gate/_bundled/example-rules/tags.yaml",
        "gate/_bundled/example-rules/budgets.yaml",
        "gate/_bundled/plan-template.md",
        "gate/schemas/report.json",
        "gate/schemas/decision.json",
        "gate/schemas/capacity-plan.json",
        "gate/schemas/rules-budgets.json",
        "gate/data/prices.json",
        "gate/data/cfn-tagging.json",
        "gate/data/licenses/LICENSE.infracost.Apache-2.0.txt",
        "gate/data/licenses/LICENSE.karpenter-provider-aws.Apache-2.0.txt",
        "gate/data/licenses/NOTICE.karpenter-provider-aws.txt",
        "gate/defaults/rules/tags.yaml",
        "gate/py.typed",
    }
    assert expected <= names, sorted(expected - names)
    assert not any(name.startswith(("tests/", "bench/")) for name in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "finops-gate = gate.__main__:main" in wheel.read(entry_points).decode()


def test_bundled_policies_are_the_repository_policies(wheel: zipfile.ZipFile) -> None:
    for rego in (REPO / "policies").glob("*.rego"):
        assert wheel.read(f"gate/_bundled/policies/{rego.name}") == rego.read_bytes()


def test_every_package_file_the_code_loads_is_shipped(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    for path in (REPO / "gate").rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts:
            assert path.relative_to(REPO).as_posix() in names, path
