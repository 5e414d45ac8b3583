"""Small builders shared by the tests: plans, rules directories, CLI runs."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from gate.cli import app

REPO = Path(__file__).resolve().parent.parent
EXAMPLE_RULES = REPO / "rules"
EXAMPLE_PLAN = REPO / "examples" / "plan.json"
CORPUS = REPO.parent / "shared" / "corpus"


def change(
    address: str,
    rtype: str | None = None,
    *,
    actions: Iterable[str] = ("create",),
    after: Mapping[str, Any] | None = None,
    before: Mapping[str, Any] | None = None,
    after_unknown: Mapping[str, Any] | None = None,
    after_sensitive: Mapping[str, Any] | bool | None = None,
    module: str | None = None,
    mode: str = "managed",
) -> dict[str, Any]:
    """One entry of resource_changes, as Terraform writes it."""
    local = address if module is None else address[len(module) + 1 :]
    parts = local.split(".")
    if parts[0] == "data":
        parts = parts[1:]
    rtype = rtype or parts[0]
    entry: dict[str, Any] = {
        "address": address,
        "mode": mode,
        "type": rtype,
        "name": parts[1].split("[")[0],
        "provider_name": "registry.terraform.io/hashicorp/" + rtype.split("_")[0],
        "change": {
            "actions": list(actions),
            "before": dict(before) if before is not None else None,
            "after": dict(after) if after is not None else None,
            "after_unknown": dict(after_unknown or {}),
            "before_sensitive": {},
            "after_sensitive": after_sensitive if after_sensitive is not None else {},
        },
    }
    if module:
        entry["module_address"] = module
    return entry


def plan(
    *changes: dict[str, Any],
    default_tags: Mapping[str, str] | None = None,
    default_tags_expression: bool = False,
    format_version: str = "1.2",
) -> dict[str, Any]:
    """A plan document around resource changes, with optional provider default_tags."""
    expressions: dict[str, Any] = {"region": {"constant_value": "us-east-1"}}
    if default_tags is not None:
        expressions["default_tags"] = [{"tags": {"constant_value": dict(default_tags)}}]
    if default_tags_expression:
        expressions["default_tags"] = [{"tags": {"references": ["var.default_tags"]}}]
    return {
        "format_version": format_version,
        "terraform_version": "1.9.8",
        "planned_values": {"root_module": {}},
        "resource_changes": list(changes),
        "configuration": {
            "provider_config": {"aws": {"name": "aws", "expressions": expressions}},
            "root_module": {
                "resources": [
                    {
                        "address": c["address"],
                        "mode": "managed",
                        "type": c["type"],
                        "name": c["name"],
                        "provider_config_key": "aws",
                    }
                    for c in changes
                    if "module_address" not in c
                ]
            },
        },
    }


COMPLIANT_TAGS = {
    "team": "checkout",
    "owner": "lead-checkout@acme.example",
    "cost-center": "CC-4100",
    "environment": "production",
}


def write_json(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def capacity_plan_fields(**fields: Any) -> dict[str, Any]:
    """Front matter of an approved checkout plan, valid November 2026 to January 2027."""
    base: dict[str, Any] = {
        "id": "CP-2026-001",
        "title": "Checkout capacity",
        "team": "checkout",
        "status": "approved",
        "approved_monthly_cost": 600,
        "valid_from": "2026-11-01",
        "valid_until": "2027-01-31",
        "approvals": [{"by": "lead-checkout@acme.example", "at": "2026-11-02"}],
    }
    base.update(fields)
    return {k: v for k, v in base.items() if v is not None}


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str


def run_cli(
    *args: str | Path, cwd: Path | None = None, env: Mapping[str, str | None] | None = None
) -> Run:
    """The CLI in-process, as typer runs it (argv in; exit code and streams out).
    ``env`` sets (or, with None, removes) environment variables for the run."""
    import os

    runner = CliRunner()
    previous = Path.cwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        result = runner.invoke(
            app, [str(a) for a in args], catch_exceptions=False, env=dict(env or {})
        )
    finally:
        if cwd is not None:
            os.chdir(previous)
    return Run(result.exit_code, result.stdout, result.stderr)


PEAK_PROBE = """\
import resource as _resource


def _peak_reset() -> None:
    # The high-water mark starts at the parent's size when the child was forked
    # (a test runner under coverage is large); Linux resets it on request.
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
    except OSError:
        pass


def peak_mib() -> int:
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return _resource.getrusage(_resource.RUSAGE_SELF).ru_maxrss // 1024


_peak_reset()
"""
"""The start of a child program whose peak memory a test measures: ``peak_mib()``
is the child's own peak resident memory, in MiB."""


@dataclass(frozen=True)
class MeasuredLoad:
    shown: str  # the refusal as printed (file:line: message), "" when read
    line: int | None
    message: str
    peak_mib: int


def load_measured(path: Path, cwd: Path, timeout: float = 600) -> MeasuredLoad:
    """``sources.load(path)`` in a child process: its refusal, if any, and the child's
    own peak memory."""
    probe = PEAK_PROBE + (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from gate import sources\n"
        "from gate.errors import SourceError\n"
        "refusal = ['', None, '']\n"
        "try:\n"
        "    sources.load(Path(sys.argv[1]), sources.SourceOptions())\n"
        "except SourceError as error:\n"
        "    refusal = [str(error), error.line, error.message]\n"
        "print(json.dumps([*refusal, peak_mib()]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(path)],
        env=measured_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        cwd=cwd,
    )
    assert done.returncode == 0, done.stderr
    shown, line, message, peak = json.loads(done.stdout)
    return MeasuredLoad(shown, line, message, peak)


def coverage_env() -> dict[str, str]:
    """What a child given an environment of its own needs for coverage.py to measure it
    (``patch = subprocess`` passes its configuration in ``COVERAGE_PROCESS_CONFIG``);
    empty when the tests run without coverage."""
    import os

    return {k: v for k, v in os.environ.items() if k == "COVERAGE_PROCESS_CONFIG"}


def measured_env() -> dict[str, str]:
    """The environment of a child whose peak memory a test measures: the same, less
    coverage.py's measurement (``patch = subprocess`` passes it on in
    ``COVERAGE_PROCESS_CONFIG``), whose tracer and data would count as the gate's."""
    import os

    env = dict(os.environ)
    for name in ("COVERAGE_PROCESS_CONFIG", "COVERAGE_PROCESS_START"):
        env.pop(name, None)
    return env


def run_subprocess(*args: str | Path, cwd: Path | None = None) -> Run:
    """The CLI as a user runs it: a separate process via ``python -m gate``."""
    completed = subprocess.run(
        [sys.executable, "-m", "gate", *[str(a) for a in args]],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        check=False,
    )
    return Run(completed.returncode, completed.stdout, completed.stderr)


@pytest.fixture
def beside_a_checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Work in a git checkout (a marker is enough here), as a pre-commit hook or a CI job
    does: the user's cache beside it is used. Beside a working directory that is in no
    checkout, a cache that shares a folder with it is refused (gate/_cache.py), and a
    copy of this project unpacked under /tmp shares /tmp with pytest's folders."""
    checkout = tmp_path / "checkout"
    (checkout / ".git").mkdir(parents=True)
    monkeypatch.chdir(checkout)
    return checkout


@pytest.fixture(autouse=True)
def _isolated_environment(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test sees the developer's caches, AWS region or claimed plan. (HOME too: the
    cache falls back to ~/.cache where XDG_CACHE_HOME is refused, as it is beside a
    working directory that is in no git checkout; see gate/_cache.py.)"""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setenv("HOME", str(tmp_path_factory.mktemp("home")))
    for name in (
        "FINOPS_GATE_PRICES",
        "FINOPS_GATE_PLAN_ID",
        "FINOPS_GATE_PLANS_REF",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_PROFILE",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def opa_server() -> Any:
    """One fake OPA server (tests/opa_server.py) for the whole session."""
    from tests.opa_server import serve

    with serve() as (url, state):
        yield url, state


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite the golden files of the report tests from the current output",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(autouse=True)
def _collected_here() -> Iterator[None]:
    """What a test left in reference cycles is collected on the main thread, when it
    ends: the fake OPA server's threads must not be the ones to collect it (a regorus
    engine in a cycle, say one an exception's traceback keeps, raises when dropped on
    another thread than its own)."""
    import gc

    yield
    gc.collect()
    gc.freeze()  # what survived is not scanned again: the next collection stays cheap


@pytest.fixture(autouse=True)
def _engines_agree(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every decision the suite makes with the embedded engine is made again by the
    remote engine, over HTTP, against the fake OPA server loaded with the same
    policies and rules, and the two must be equal. FINOPS_GATE_ENGINE_DIFFERENTIAL=0
    turns this off (to time the suite, say)."""
    import os
    from dataclasses import replace

    if os.environ.get("FINOPS_GATE_ENGINE_DIFFERENTIAL") == "0":
        return
    from gate import pipeline, policy, rules
    from gate.policy import EngineKind
    from gate.policy.remote import RemoteOptions, push

    url, state = request.getfixturevalue("opa_server")
    original = pipeline.decide

    def both(prepared: pipeline.Prepared, options: pipeline.Options) -> policy.Decision:
        embedded = original(prepared, options)
        if options.engine is not EngineKind.EMBEDDED:
            return embedded
        state.policies.clear()
        state.data.clear()
        state.fault = None
        state.token = None
        remote = RemoteOptions(url=url)
        push(
            remote,
            policy.policy_files(options.policy_dirs, origin=prepared.origin),
            rules.data_document(prepared.facts.rules),
        )
        from_server = original(prepared, replace(options, engine=EngineKind.REMOTE, remote=remote))
        assert from_server == embedded, "the OPA server and the embedded engine disagree"
        return embedded

    monkeypatch.setattr(pipeline, "decide", both)


@pytest.fixture
def tmp_plan(tmp_path: Path) -> Any:
    def make(document: Any, name: str = "plan.json") -> Path:
        return write_json(tmp_path / name, document)

    return make
