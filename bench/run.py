"""The benchmark suite: the gate against the floor, in the same run, interleaved.

    python bench/run.py                        # 100 / 1,000 / 10,000 / 50,000 resources
    python bench/run.py --sizes 100 10000 --runs 5
    python bench/run.py --quick                # 100 and 10,000, 3 runs: a CI-sized run

Every figure is a median over fresh processes (interpreter start included) and is
printed with its ratio to the floor measured in the same round: a bare Python process
that reads the plan with orjson, walks every resource's tags once and looks up a price
(``../shared/bench/floor_check.py`` when the project sits beside it, else
``bench/floor.py``). Absolute times differ from machine to machine; the ratios are
what to compare. Runs are interleaved (floor, gate, floor, gate …) so that a noisy
moment hits both sides. Figures only: no test asserts on them.

Cases:
- plans of each size with the built-in rules (no rules directory) and with the
  repository's ``rules/`` and ``plans/`` (a realistic organisation: many violations);
- at 10,000 resources, the same plan with every resource compliant (all pass) and with
  every resource missing every required tag (all fail);
- ``--version``, and the pre-commit hooks on a small Terraform module and a template;
- at 10,000 resources, the embedded Rego engine alone (``engine.py``): handing it the
  input document and evaluating the decision, in-process, against the floor on the same
  plan. regorus holds the GIL, so this is a lower bound for the whole gate;
- the CloudFormation readers on JSON and YAML templates, against orjson and libyaml.

Peak memory is the child's own maximum resident set (``wait4``), so one large run does
not hide the next.
"""

from __future__ import annotations

import argparse
import compileall
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SHARED = ROOT.parent / "shared" / "bench"
sys.path.insert(0, str(HERE))

COMPLIANT = {
    "team": "checkout",
    "owner": "lead-checkout@acme.example",
    "cost-center": "CC-4100",
    "environment": "production",
}
"""Tags every resource of the all-pass plan carries: compliant with ``rules/``."""


# ------------------------------------------------------------------ measuring one process


@dataclass
class Samples:
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    peak_mib: list[float] = field(default_factory=list)
    codes: set[int] = field(default_factory=set)

    def add(self, wall: float, cpu: float, peak_mib: float, code: int) -> None:
        self.wall.append(wall)
        self.cpu.append(cpu)
        self.peak_mib.append(peak_mib)
        self.codes.add(code)

    @property
    def median_wall(self) -> float:
        return statistics.median(self.wall)

    @property
    def median_cpu(self) -> float:
        return statistics.median(self.cpu)

    @property
    def peak(self) -> float:
        return max(self.peak_mib)


def run_once(argv: Sequence[str], cwd: Path) -> tuple[float, float, float, int]:
    """Wall seconds, CPU seconds (user + system), peak RSS in MiB and exit code of one
    fresh process, from the kernel's accounting of that child alone."""
    started = time.perf_counter()
    child = subprocess.Popen(list(argv), cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert child.stderr is not None
    errors = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} failed ({child.returncode}): {errors.decode()}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, child.returncode


def interleaved(
    commands: dict[str, tuple[Sequence[str], Path]], runs: int, warmup: int = 1
) -> dict[str, Samples]:
    """Each command ``runs`` times, round-robin, after ``warmup`` uncounted rounds."""
    samples = {name: Samples() for name in commands}
    for round_number in range(warmup + runs):
        for name, (argv, cwd) in commands.items():
            measured = run_once(argv, cwd)
            if round_number >= warmup:
                samples[name].add(*measured)
    return samples


# ------------------------------------------------------------------ inputs


def floor_script() -> Path:
    shared = SHARED / "floor_check.py"
    return shared if shared.is_file() else HERE / "floor.py"


def write_plan(size: int, path: Path) -> None:
    """A realistic plan of ``size`` resource changes (the shared generator when present)."""
    shared = SHARED / "gen_plan.py"
    if shared.is_file():
        subprocess.run(
            [sys.executable, str(shared), "-n", str(size), "-o", str(path)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        return
    subprocess.run(
        [sys.executable, str(HERE / "gen_plan.py"), str(size), "-o", str(path)], check=True
    )


def retag(source: Path, target: Path, tags: dict[str, str]) -> None:
    """The plan with every taggable resource's tags replaced by ``tags`` (known at plan
    time): all compliant, or all missing every required tag. In a child process: a
    child's peak memory counts its parent's at the moment it starts, so this process
    stays small."""
    subprocess.run(
        [
            sys.executable,
            __file__,
            "--retag",
            str(source),
            str(target),
            orjson.dumps(tags).decode(),
        ],
        check=True,
    )


def _retag(source: Path, target: Path, tags: dict[str, str]) -> None:
    plan = orjson.loads(source.read_bytes())
    for change in plan.get("resource_changes") or ():
        body = change["change"]
        for side in ("before", "after"):
            values = body.get(side)
            if isinstance(values, dict) and ("tags" in values or "tags_all" in values):
                values["tags"] = dict(tags)
                values["tags_all"] = dict(tags)
        unknown = body.get("after_unknown")
        if isinstance(unknown, dict):
            unknown.pop("tags", None)
            unknown.pop("tags_all", None)
    target.write_bytes(orjson.dumps(plan))


# ------------------------------------------------------------------ the table


@dataclass
class Row:
    case: str
    resources: int | None
    gate: Samples
    floor: Samples

    def cells(self) -> list[str]:
        gate, floor = self.gate, self.floor
        per_second = f"{self.resources / gate.median_wall:,.0f}" if self.resources else "—"
        return [
            self.case,
            f"{self.resources:,}" if self.resources else "—",
            _seconds(floor.median_wall),
            _seconds(gate.median_wall),
            f"**{gate.median_wall / floor.median_wall:.2f}×**",
            f"{gate.median_cpu / floor.median_cpu:.2f}×",
            per_second,
            f"{gate.peak:,.0f}",
            f"{gate.peak / floor.peak:.2f}×",
        ]


HEADER = [
    "case",
    "resources",
    "floor",
    "gate",
    "wall ÷ floor",
    "cpu ÷ floor",
    "resources/s",
    "peak MiB",
    "peak ÷ floor",
]


def _seconds(value: float) -> str:
    if value < 0.01:
        return f"{value * 1000:.2f} ms"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def markdown(rows: Sequence[Sequence[str]], header: Sequence[str]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


# ------------------------------------------------------------------ the suite


REALISTIC = ["--rules", str(ROOT / "rules"), "--plans", str(ROOT / "plans")]
"""This repository's rules and capacity plans: a realistic organisation, many violations."""


def gate_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "gate", *args]


def plan_cases(size: int, plan: Path, empty: Path, runs: int, today: str) -> list[Row]:
    floor = [sys.executable, str(floor_script()), str(plan)]
    common = ["--format", "json", "--today", today]
    samples = interleaved(
        {
            "floor": (floor, empty),
            "built-in": (gate_command("check", str(plan), *common), empty),
            "rules": (gate_command("check", str(plan), *common, *REALISTIC), empty),
        },
        runs,
    )
    return [
        Row("plan, built-in rules", size, samples["built-in"], samples["floor"]),
        Row("plan, repository rules/", size, samples["rules"], samples["floor"]),
    ]


def pass_fail_cases(size: int, plan: Path, work: Path, runs: int, today: str) -> list[Row]:
    passing, failing = work / f"all_pass_{size}.json", work / f"all_fail_{size}.json"
    retag(plan, passing, COMPLIANT)
    retag(plan, failing, {"Name": "unowned"})
    common = ["--format", "json", "--today", today, *REALISTIC]
    samples = interleaved(
        {
            "floor pass": ([sys.executable, str(floor_script()), str(passing)], work),
            "pass": (gate_command("check", str(passing), *common), work),
            "floor fail": ([sys.executable, str(floor_script()), str(failing)], work),
            "fail": (gate_command("check", str(failing), *common), work),
        },
        runs,
    )
    return [
        Row("all pass, repository rules/", size, samples["pass"], samples["floor pass"]),
        Row("all fail, repository rules/", size, samples["fail"], samples["floor fail"]),
    ]


def small_cases(small_plan: Path, work: Path, runs: int) -> list[Row]:
    """``--version`` and the pre-commit hooks, against the floor's small run."""
    from hook import MODULE, TEMPLATE

    hook_dir = work / "hook"
    hook_dir.mkdir(exist_ok=True)
    for name, text in MODULE.items():
        (hook_dir / name).write_text(text)
    (hook_dir / "stack.yaml").write_text(TEMPLATE)
    rules = ["--rules", str(ROOT / "rules")]
    samples = interleaved(
        {
            "floor": ([sys.executable, str(floor_script()), str(small_plan)], hook_dir),
            "version": (gate_command("--version"), hook_dir),
            "terraform": (gate_command("hook", "terraform", *MODULE, *rules), hook_dir),
            "cloudformation": (
                gate_command("hook", "cloudformation", "stack.yaml", *rules),
                hook_dir,
            ),
        },
        runs,
    )
    floor = samples["floor"]
    return [
        Row("`--version`", None, samples["version"], floor),
        Row(f"hook terraform ({len(MODULE)} .tf files)", None, samples["terraform"], floor),
        Row("hook cloudformation (1 template)", None, samples["cloudformation"], floor),
    ]


def engine_rows(size: int, plan: Path, empty: Path, runs: int, today: str) -> list[list[str]]:
    """The embedded engine alone (``engine.py``) on the plan, with the built-in rules and
    with the repository's, interleaved with the floor on the same plan."""
    engine = [sys.executable, str(HERE / "engine.py"), str(plan), "--runs", "3", "--today", today]
    floor = Samples()
    figures: dict[str, list[dict[str, Any]]] = {"built-in": [], "rules": []}
    for _ in range(runs):
        floor.add(*run_once([sys.executable, str(floor_script()), str(plan)], empty))
        for name, extra in (("built-in", []), ("rules", REALISTIC)):
            child = subprocess.run([*engine, *extra], cwd=empty, capture_output=True, check=True)
            figures[name].append(orjson.loads(child.stdout))
    rows = []
    for name, case in (("built-in", "built-in rules"), ("rules", "repository rules/")):
        runs_of = figures[name]
        hand = statistics.median(f["encode"] + f["hand"] for f in runs_of)
        evaluate = statistics.median(f["evaluate"] for f in runs_of)
        rows.append(
            [
                f"engine alone, {case}",
                f"{size:,}",
                f"{runs_of[0]['violations'] + runs_of[0]['warnings']:,}",
                _seconds(floor.median_wall),
                _seconds(hand),
                _seconds(evaluate),
                f"**{(hand + evaluate) / floor.median_wall:.2f}×**",
            ]
        )
    return rows


ENGINE_HEADER = [
    "case",
    "resources",
    "violations + warnings",
    "floor",
    "input to the engine",
    "evaluation",
    "engine ÷ floor",
]


def cfn_rows(sizes: Sequence[int], runs: int, work: Path) -> list[list[str]]:
    """The CloudFormation reader in-process against orjson / libyaml (see cfn.py)."""
    import gc
    import json

    import cfn

    gc.disable()  # as in the finops-gate process
    rows = []
    for size in sizes:
        document = cfn.template(size)
        for suffix, text, floor in (
            ("json", json.dumps(document, indent=2), cfn.floor_json),
            ("yaml", cfn.as_yaml(document), cfn.floor_yaml),
        ):
            path = work / f"cfn_{size}.{suffix}"
            path.write_text(text, encoding="utf-8")
            floor_s, read_s, load_s = cfn.measure(path, floor, runs)
            rows.append(
                [
                    f"CloudFormation {suffix.upper()}",
                    f"{size:,}",
                    _seconds(floor_s),
                    _seconds(read_s),
                    f"**{read_s / floor_s:.2f}×**",
                    _seconds(load_s),
                    f"{load_s / floor_s:.2f}×",
                    f"{size / load_s:,.0f}",
                ]
            )
    return rows


CFN_HEADER = [
    "case",
    "resources",
    "floor (parse)",
    "reader",
    "reader ÷ floor",
    "reader + resources",
    "÷ floor",
    "resources/s",
]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000, 50000])
    parser.add_argument("--runs", type=int, default=5, help="rounds per case (default 5)")
    parser.add_argument("--quick", action="store_true", help="100 and 10,000, 3 rounds")
    parser.add_argument("--pass-fail-size", type=int, default=10000)
    parser.add_argument(
        "--engine-size", type=int, default=10000, help="the engine alone at this size (0: not)"
    )
    parser.add_argument("--cfn-sizes", type=int, nargs="*", default=[100, 1000])
    parser.add_argument("--today", default="2026-11-23", help="fixed, so expiries do not vary")
    parser.add_argument("--keep", type=Path, help="keep the generated inputs in this folder")
    parser.add_argument("--retag", nargs=3, help=argparse.SUPPRESS)  # see retag()
    args = parser.parse_args()
    if args.retag:
        source, target, tags = args.retag
        _retag(Path(source), Path(target), orjson.loads(tags))
        return
    sizes, runs = (
        ([100, 10000], min(args.runs, 3)) if args.quick else (sorted(args.sizes), args.runs)
    )
    # As an installed wheel has them: the gate's modules compiled once, not at every start.
    compileall.compile_dir(str(ROOT / "gate"), quiet=1)
    print(
        f"finops-gate benchmark: python {platform.python_version()}, {os.cpu_count()} cpu, "
        f"{platform.machine()}; floor: {floor_script().relative_to(ROOT.parent)}; "
        f"medians of {runs} rounds"
    )
    with tempfile.TemporaryDirectory() as scratch:
        work = args.keep or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        empty = work / "empty"  # no rules/ and no plans/ here: the built-in defaults
        empty.mkdir(exist_ok=True)
        plans: dict[int, Path] = {}
        for size in sorted({*sizes, 100, args.pass_fail_size, args.engine_size} - {0}):
            plans[size] = work / f"plan_{size}.json"
            if not plans[size].is_file():
                write_plan(size, plans[size])
        rows: list[Row] = []
        for size in sizes:
            rows += plan_cases(size, plans[size], empty, runs, args.today)
            _progress(rows[-2:])
        if args.pass_fail_size:
            size = args.pass_fail_size
            rows += pass_fail_cases(size, plans[size], work, runs, args.today)
            _progress(rows[-2:])
        rows += small_cases(plans[100], work, max(runs, 5))
        _progress(rows[-3:])
        print()
        print(markdown([row.cells() for row in rows], HEADER))
        if args.engine_size:
            size = args.engine_size
            print()
            print(markdown(engine_rows(size, plans[size], empty, runs, args.today), ENGINE_HEADER))
        if args.cfn_sizes:
            print()
            print(markdown(cfn_rows(args.cfn_sizes, max(runs, 7), work), CFN_HEADER))


def _progress(rows: Sequence[Row]) -> None:
    for row in rows:
        cells: Any = row.cells()
        print(f"  {cells[0]:<36} {cells[1]:>7}  gate {cells[3]:>8}  {cells[4]}", file=sys.stderr)


if __name__ == "__main__":
    main()
