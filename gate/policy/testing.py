"""`finops-gate policy test`: run Rego unit tests like `opa test`.

Every rule named ``test_*`` in a ``*_test.rego`` file is evaluated with the policies
loaded beside it; true passes, false or undefined fails, an error is reported as such.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from gate._record import frozen
from gate.errors import GateError
from gate.policy import PolicyFile, policy_files
from gate.policy.embedded import EmbeddedEngine

_PACKAGE = re.compile(r"^\s*package\s+([\w.]+)", re.MULTILINE)
_TEST_RULE = re.compile(r"^(test_[A-Za-z0-9_]+)\b", re.MULTILINE)


@frozen
class TestResult:
    file: str
    name: str
    outcome: str  # PASS | FAIL | ERROR
    detail: str
    seconds: float


@frozen
class TestRun:
    results: tuple[TestResult, ...]

    @property
    def ok(self) -> bool:
        return bool(self.results) and all(r.outcome == "PASS" for r in self.results)


def discover(files: list[PolicyFile]) -> list[tuple[str, str]]:
    """(file, fully qualified rule) for every test rule, in file order."""
    found = []
    for policy in files:
        if not policy.path.endswith("_test.rego"):
            continue
        package = _PACKAGE.search(policy.text)
        if package is None:
            continue
        seen: set[str] = set()
        for name in _TEST_RULE.findall(policy.text):
            if name not in seen:
                seen.add(name)
                found.append((policy.path, f"data.{package.group(1)}.{name}"))
    return found


def run(directory: Path | None) -> TestRun:
    files = policy_files([directory] if directory is not None else [], include_tests=True)
    engine = EmbeddedEngine(files, {})
    try:
        results = _results(engine, files)
    finally:
        engine.close()
    if not results:
        raise GateError(
            "no tests found (rules named test_* in *_test.rego files)",
            path=str(directory or "policies"),
        )
    return TestRun(tuple(results))


def _results(engine: EmbeddedEngine, files: list[PolicyFile]) -> list[TestResult]:
    results = []
    for file, rule in discover(files):
        started = time.perf_counter()
        try:
            value = engine.evaluate_rule(rule)
            outcome = "PASS" if value is True else "FAIL"
            detail = "" if value is True else f"got {value!r}" if value is not None else "undefined"
        except GateError as exc:
            outcome, detail = "ERROR", str(exc)
        results.append(TestResult(file, rule, outcome, detail, time.perf_counter() - started))
    return results


def render(run: TestRun, *, verbose: bool) -> str:
    lines: list[str] = []
    current = None
    for result in run.results:
        if result.outcome == "PASS" and not verbose:
            continue
        if result.file != current:
            current = result.file
            lines.append(f"{result.file}:")
        detail = f": {result.detail}" if result.detail else ""
        lines.append(f"{result.name}: {result.outcome} ({result.seconds * 1000:.1f}ms){detail}")
    passed = sum(r.outcome == "PASS" for r in run.results)
    failed = sum(r.outcome == "FAIL" for r in run.results)
    errors = sum(r.outcome == "ERROR" for r in run.results)
    if lines:
        lines.append("-" * 80)
    lines.append(f"PASS: {passed}/{len(run.results)}")
    if failed:
        lines.append(f"FAIL: {failed}/{len(run.results)}")
    if errors:
        lines.append(f"ERROR: {errors}/{len(run.results)}")
    return "\n".join(lines) + "\n"
