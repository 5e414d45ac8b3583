"""End-to-end benchmark: `finops-gate check` in a fresh process on generated plans.

Prints, per plan size, the median wall time, resources per second and peak memory
(max RSS of the child process), plus the start-up cost of `--version`. Figures only:
no test asserts on them.

    python bench/run.py                 # 1,000 / 10,000 / 50,000 resources, 3 runs each
    python bench/run.py --sizes 1000 10000 --runs 5
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from gen_plan import generate  # noqa: E402


def timed(argv: list[str]) -> tuple[float, float, int]:
    """Wall seconds, peak RSS in MiB, and exit code of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    completed = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    wall = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if completed.returncode not in (0, 1):
        raise SystemExit(
            f"{' '.join(argv)} failed ({completed.returncode}): {completed.stderr.decode()}"
        )
    # ru_maxrss of children is the max over all children so far; a fresh child per
    # size keeps it honest because sizes run in increasing order.
    return wall, max(peak, before) / 1024, completed.returncode


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rules", type=Path, default=HERE.parent / "rules")
    args = parser.parse_args()
    import json

    gate = [sys.executable, "-m", "gate"]
    env_note = f"python {sys.version.split()[0]}, {os.cpu_count()} cpu"
    print(f"finops-gate benchmark ({env_note})")
    startup = [timed([*gate, "--version"])[0] for _ in range(5)]
    print(f"start-up (--version): median {statistics.median(startup) * 1000:.0f} ms")
    with tempfile.TemporaryDirectory() as folder:
        print(
            f"{'resources':>10} {'plan MB':>8} {'wall s':>8} {'res/s':>10} {'peak MiB':>9} {'peak/plan':>9} exit"
        )
        for size in sorted(args.sizes):
            path = Path(folder) / f"plan_{size}.json"
            path.write_text(json.dumps(generate(size)), encoding="utf-8")
            megabytes = path.stat().st_size / 2**20
            walls = []
            peak = 0.0
            code = 0
            for _ in range(args.runs):
                wall, peak_run, code = timed(
                    [*gate, "check", str(path), "--rules", str(args.rules), "-f", "json"]
                )
                walls.append(wall)
                peak = max(peak, peak_run)
            wall = statistics.median(walls)
            print(
                f"{size:>10,} {megabytes:>8.1f} {wall:>8.2f} {size / wall:>10,.0f} {peak:>9.0f} "
                f"{peak / megabytes:>8.1f}x {code}"
            )


if __name__ == "__main__":
    main()
