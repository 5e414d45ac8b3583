"""Fuzz the gate's readers and rules with mutated real files, and classify every outcome.

Each case takes a real file (the shared corpus beside the project, the project's rules,
examples, capacity plans and test fixtures), mutates it (structure-aware for JSON, YAML
and Terraform source; bytes and encodings for any file; FIFOs, device links,
directories and loops for the file-level cases), and runs ``finops-gate check`` on it
(and ``fix`` as a dry run for source and templates, ``rules check`` for rules) in a
subprocess with a time limit and a memory measurement. Every outcome is a decision
(exit 0/1), a refusal (exit 2, one line naming the file) or a failure; failures keep
their workspace and a script that re-runs them. See docs/robustness.md.

    python scripts/fuzz.py --seed 1 --cases 1000 --out fuzz-out

Exit status: 0 when no case failed, 1 when any did, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import sys
import threading
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _fuzz import runner
from _fuzz.cases import Builder, Case, Invocation
from _fuzz.classify import FAILURE, Verdict, classify
from _fuzz.seeds import KINDS, discover
from _fuzz.values import MAX_INPUT_BYTES

REPO = Path(__file__).resolve().parent.parent
MiB = 1024 * 1024


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="run seed: the same seed builds the same cases"
    )
    parser.add_argument("--cases", type=int, default=1000, help="number of cases (default 1000)")
    parser.add_argument(
        "--start", type=int, default=0, help="first case index (to spread a campaign over runs)"
    )
    parser.add_argument(
        "--only", type=int, action="append", help="run only this case index (repeatable)"
    )
    parser.add_argument(
        "--timeout", type=float, default=20.0, help="seconds per command (default 20)"
    )
    parser.add_argument(
        "--memory-mb",
        type=int,
        default=1024,
        help="peak resident memory bound per command (default 1024)",
    )
    parser.add_argument(
        "--ceiling-mb",
        type=int,
        default=4096,
        help="address-space limit per command, protecting the machine (default 4096; 0: none)",
    )
    parser.add_argument("--jobs", type=int, default=2, help="parallel workers (default 2)")
    parser.add_argument(
        "--max-load",
        type=float,
        default=0.0,
        help="pause while the 1-minute load is above this (0: never)",
    )
    parser.add_argument("--out", type=Path, default=Path("fuzz-out"), help="output directory")
    parser.add_argument(
        "--corpus", type=Path, default=REPO.parent / "shared" / "corpus", help="the shared corpus"
    )
    parser.add_argument(
        "--kinds",
        default=",".join(KINDS),
        help=f"input kinds to fuzz (default all: {','.join(KINDS)})",
    )
    parser.add_argument(
        "--command",
        default=sys.executable,
        help="the Python that runs the gate (default: this one), or another program to run with the gate's arguments",
    )
    parser.add_argument(
        "--mode",
        choices=("fork", "exec"),
        default="fork",
        help="fork: commands forked from a server that imported the gate once (fast, default); "
        "exec: a new interpreter per command, exactly as a user runs finops-gate",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep every workspace, not only failures"
    )
    parser.add_argument(
        "--summarise",
        action="store_true",
        help="run nothing: summarise every case in --out's cases.jsonl (a campaign over runs)",
    )
    parser.add_argument(
        "--known",
        type=Path,
        default=REPO / "tests" / "fuzz" / "findings" / "known.json",
        help="findings already reported, awaiting their fix: counted apart, not as failures",
    )
    args = parser.parse_args(argv)
    kinds = tuple(k for k in args.kinds.split(",") if k)
    unknown = set(kinds) - set(KINDS)
    if unknown:
        parser.error(f"unknown kinds: {', '.join(sorted(unknown))}")
    args.kinds = kinds
    return args


class Campaign:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.out: Path = args.out.resolve()
        corpus = args.corpus if args.corpus.is_dir() else None
        self.seeds = discover(REPO, corpus)
        self.builder = Builder(REPO, self.seeds, args.seed, args.kinds)
        self.command = shlex.split(args.command)
        self.env = self._environment()
        self.lock = threading.Lock()
        self.local = threading.local()
        self.servers: list[runner.ForkServer] = []
        self.baselines: dict[str, int | None] = {}
        self.records: list[dict[str, Any]] = []
        self.log = (self.out / "cases.jsonl").open("a", encoding="utf-8")
        self.known = _known(args.known)

    def _environment(self) -> dict[str, str]:
        home = self.out / "home"
        (home / ".cache").mkdir(parents=True, exist_ok=True)
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(home),
            "XDG_CACHE_HOME": str(home / ".cache"),
            "LANG": "C.UTF-8",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        if "VIRTUAL_ENV" in os.environ:
            env["VIRTUAL_ENV"] = os.environ["VIRTUAL_ENV"]
        return env

    # ----------------------------------------------------------------------- running

    def run_command(self, case: Case, invocation: Invocation) -> runner.Result:
        if self.args.mode == "fork" and runner.is_python(self.command):
            server = getattr(self.local, "server", None)
            if server is None:
                log = self.out / "forkserver.log"
                server = runner.ForkServer(self.command[-1], self.out, self.env, log)
                self.local.server = server
                with self.lock:
                    self.servers.append(server)
            return server.run(
                invocation.argv, case.workspace, self.args.timeout, self.args.ceiling_mb * MiB
            )
        return runner.run(
            self.command,
            invocation.argv,
            case.workspace,
            self.env,
            self.args.timeout,
            self.args.ceiling_mb * MiB,
        )

    def baseline_exit(self, case: Case, invocation: Invocation) -> int | None:
        """The exit code of the same command on the unmutated input (cached)."""
        key = f"{case.baseline_key}|{invocation.name}"
        if not case.baseline_key:
            return None
        with self.lock:
            if key in self.baselines:
                return self.baselines[key]
        workspace = self.out / "baseline" / str(case.index)
        base = self.builder.build(case.index, workspace, mutate=False)
        twin = next((i for i in base.invocations if i.name == invocation.name), None)
        code = None
        if twin is not None:
            code = self.run_command(base, twin).exit_code
        shutil.rmtree(workspace, ignore_errors=True)
        with self.lock:
            self.baselines[key] = code
        return code

    def run_case(self, index: int) -> dict[str, Any]:
        self._wait_for_load()
        workspace = self.out / "work" / str(index)
        try:
            case = self.builder.build(index, workspace)
        except Exception as exc:  # a bug of the harness, not of the gate: counted apart
            import traceback

            record = {
                "id": f"{self.args.seed}-{index}",
                "index": index,
                "kind": "harness-error",
                "seed": "",
                "ops": [],
                "notes": [traceback.format_exc()],
                "input_bytes": 0,
                "runs": [],
            }
            print(f"harness error in case {index}: {exc!r}", file=sys.stderr)
            with self.lock:
                self.records.append(record)
                self.log.write(json.dumps(record) + "\n")
            shutil.rmtree(workspace, ignore_errors=True)
            return record
        results = []
        failed: list[tuple[Invocation, runner.Result, Verdict]] = []
        for invocation in case.invocations:
            result = self.run_command(case, invocation)
            verdict = classify(
                result,
                invocation.expect,
                case.workspace,
                self.args.memory_mb * MiB,
                lambda inv=invocation: self.baseline_exit(case, inv),  # type: ignore[misc]
            )
            results.append(
                {
                    "command": invocation.name,
                    "argv": list(invocation.argv),
                    "expect": invocation.expect.name,
                    "exit": result.exit_code,
                    "outcome": verdict.outcome,
                    "failure": verdict.failure,
                    "detail": verdict.detail,
                    "wall": round(result.wall, 3),
                    "max_rss": result.max_rss,
                }
            )
            known = self._known_finding(case, invocation, verdict)
            if known is not None:
                results[-1]["outcome"] = "known"
                results[-1]["known"] = known
            elif verdict.outcome == FAILURE:
                failed.append((invocation, result, verdict))
        record = {
            "id": case.ident,
            "index": index,
            "kind": case.kind,
            "seed": case.seed,
            "ops": case.ops,
            "notes": case.notes,
            "input_bytes": case.input_bytes,
            "runs": results,
        }
        if failed:
            self._keep_failure(case, failed)
        elif not self.args.keep:
            shutil.rmtree(workspace, ignore_errors=True)
        with self.lock:
            self.records.append(record)
            self.log.write(json.dumps(record) + "\n")
            self.log.flush()
        return record

    def _known_finding(self, case: Case, invocation: Invocation, verdict: Verdict) -> str | None:
        """The id of the reported finding this failure is, if any."""
        if verdict.outcome != FAILURE:
            return None
        text = verdict.detail + "\n" + "\n".join(case.notes)
        for entry in self.known:
            if (
                entry.get("command", invocation.name) == invocation.name
                and entry.get("kind", case.kind) == case.kind
                and verdict.failure in entry["failures"]
                and re.search(entry["match"], text, re.MULTILINE)
            ):
                return str(entry["id"])
        return None

    def _wait_for_load(self) -> None:
        if self.args.max_load <= 0:
            return
        while os.getloadavg()[0] > self.args.max_load:
            time.sleep(5)

    def _keep_failure(
        self, case: Case, failed: list[tuple[Invocation, runner.Result, Verdict]]
    ) -> None:
        """Move the workspace under failures/<class>/<case id>/ with a re-run script."""
        failure = failed[0][2].failure or "failure"
        target = self.out / "failures" / failure / case.ident
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        shutil.move(str(case.workspace), target / "workspace")
        lines = [
            "#!/bin/sh",
            f"# fuzz case {case.ident}: {case.kind} from {case.seed}",
            *(f"#   {note[:200]}" for note in case.notes),
            f"# rebuild it: python scripts/fuzz.py --seed {self.args.seed} --only {case.index} --out DIR",
            'cd "$(dirname "$0")/workspace" || exit 2',
        ]
        for invocation, result, verdict in failed:
            lines.append(f"# {verdict.failure}: {verdict.detail[:300]}")
            lines.append("finops-gate " + " ".join(shlex.quote(a) for a in invocation.argv))
            (target / f"{invocation.name}.stderr").write_bytes(result.stderr)
            (target / f"{invocation.name}.stdout").write_bytes(result.stdout[:65536])
        script = target / "repro.sh"
        script.write_text("\n".join(lines) + "\n", encoding="utf-8")
        script.chmod(0o755)

    # ----------------------------------------------------------------------- the run

    def warm_up(self) -> None:
        """One small Terraform check first: it writes the HCL parser's cache, which every
        later case then reads instead of building the parser tables."""
        if not runner.is_python(self.command):
            return
        workspace = self.out / "warm"
        shutil.rmtree(workspace, ignore_errors=True)
        (workspace / "in").mkdir(parents=True)
        (workspace / "in" / "main.tf").write_text(
            'resource "aws_s3_bucket" "b" {\n  tags = { a = "b" }\n}\n'
        )
        runner.run(self.command, ("check", "in/main.tf"), workspace, self.env, 120, 0)
        shutil.rmtree(workspace, ignore_errors=True)

    def run(self, indexes: Sequence[int]) -> dict[str, Any]:
        started = time.monotonic()
        self.warm_up()
        done = 0
        with ThreadPoolExecutor(max_workers=max(1, self.args.jobs)) as pool:
            for _ in pool.map(self.run_case, indexes):
                done += 1
                if done % 100 == 0:
                    failures = sum(
                        1 for r in self.records for x in r["runs"] if x["outcome"] == FAILURE
                    )
                    print(
                        f"  {done}/{len(indexes)} cases, {failures} failure(s)",
                        file=sys.stderr,
                        flush=True,
                    )
        self.log.close()
        for server in self.servers:
            server.close()
        return summarise(self.records, self.args, time.monotonic() - started)


def _known(path: Path | None) -> list[dict[str, Any]]:
    if path is None or not path.is_file():
        return []
    entries: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return entries


def summarise(
    records: list[dict[str, Any]], args: argparse.Namespace, elapsed: float
) -> dict[str, Any]:
    by_kind: Counter[str] = Counter(r["kind"] for r in records)
    outcomes: Counter[str] = Counter()
    by_command: dict[str, Counter[str]] = {}
    failures: dict[str, list[str]] = {}
    known: dict[str, list[str]] = {}
    ops: Counter[str] = Counter()
    peak_wall: tuple[float, str] = (0.0, "")
    peak_rss: tuple[int, str] = (0, "")
    over_bound = 0
    for record in records:
        ops.update(record["ops"])
        if record["input_bytes"] >= MAX_INPUT_BYTES:
            over_bound += 1
        for run in record["runs"]:
            outcomes[run["outcome"]] += 1
            by_command.setdefault(run["command"], Counter())[run["outcome"]] += 1
            if run.get("known"):
                known.setdefault(run["known"], []).append(record["id"])
            elif run["failure"]:
                failures.setdefault(run["failure"], []).append(record["id"])
            if run["wall"] > peak_wall[0] and run["failure"] != "hang":
                peak_wall = (run["wall"], record["id"])
            if run["max_rss"] > peak_rss[0]:
                peak_rss = (run["max_rss"], record["id"])
    return {
        "seed": args.seed,
        "mode": args.mode,
        "cases": len(records),
        "runs": sum(outcomes.values()),
        "elapsed_seconds": round(elapsed, 1),
        "timeout_seconds": args.timeout,
        "memory_limit_mb": args.memory_mb,
        "cases_by_kind": dict(sorted(by_kind.items())),
        "outcomes": dict(sorted(outcomes.items())),
        "outcomes_by_command": {k: dict(sorted(v.items())) for k, v in sorted(by_command.items())},
        "failures": {
            k: {"runs": len(v), "cases": sorted(set(v))[:20]} for k, v in sorted(failures.items())
        },
        "known": {
            k: {"runs": len(v), "cases": sorted(set(v))[:20]} for k, v in sorted(known.items())
        },
        "mutations": dict(sorted(ops.items())),
        "peak_wall_seconds": {"seconds": peak_wall[0], "case": peak_wall[1]},
        "peak_rss_mb": {"mb": round(peak_rss[0] / MiB, 1), "case": peak_rss[1]},
        "inputs_at_or_over_10MB": over_bound,
    }


def render(summary: dict[str, Any]) -> str:
    lines = [
        f"fuzz run seed {summary['seed']}: {summary['cases']} cases, {summary['runs']} commands "
        f"in {summary['elapsed_seconds']} s",
        "cases by kind: " + ", ".join(f"{k} {v}" for k, v in summary["cases_by_kind"].items()),
        "outcomes: " + ", ".join(f"{k} {v}" for k, v in summary["outcomes"].items()),
    ]
    for command, counts in summary["outcomes_by_command"].items():
        lines.append(f"  {command}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    lines.append(
        f"peak wall {summary['peak_wall_seconds']['seconds']} s ({summary['peak_wall_seconds']['case']}), "
        f"peak memory {summary['peak_rss_mb']['mb']} MiB ({summary['peak_rss_mb']['case']})"
    )
    for name, info in summary["known"].items():
        lines.append(
            f"known finding {name} (reported, awaiting its fix): {info['runs']} run(s), e.g. {', '.join(info['cases'][:5])}"
        )
    if summary["failures"]:
        lines.append("FAILURES:")
        for name, info in summary["failures"].items():
            lines.append(f"  {name}: {info['runs']} run(s), e.g. {', '.join(info['cases'][:5])}")
    else:
        lines.append("no failures")
    return "\n".join(lines)


def summarise_campaign(args: argparse.Namespace) -> int:
    """The summary of every case a campaign's runs appended to cases.jsonl."""
    lines = (args.out / "cases.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines if line.strip()]
    summary = summarise(records, args, 0.0)
    summary["seed"] = ",".join(sorted({str(r["id"]).split("-")[0] for r in records}))
    (args.out / "summary-all.json").write_text(
        json.dumps(summary, indent=2) + "\n", encoding="utf-8"
    )
    text = render(summary)
    (args.out / "summary-all.txt").write_text(text + "\n", encoding="utf-8")
    print(text)
    return 1 if summary["failures"] else 0


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    if args.summarise:
        return summarise_campaign(args)
    campaign = Campaign(args)
    indexes = args.only or list(range(args.start, args.start + args.cases))
    summary = campaign.run(indexes)
    name = f"summary-{args.seed}-{indexes[0]}-{indexes[-1]}" if indexes else "summary"
    (args.out / f"{name}.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    text = render(summary)
    (args.out / f"{name}.txt").write_text(text + "\n", encoding="utf-8")
    print(text)
    return 1 if summary["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
