"""One fuzz case: a seed, its mutation, a workspace holding the mutant, and the
commands to run on it.

A case is a pure function of (run seed, case index): the same two numbers rebuild the
same workspace byte for byte, which is how a failure is reproduced. Every workspace
has its own copy of the project's rules/ and plans/, and the input under in/.
"""

from __future__ import annotations

import os
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from _fuzz import mutate_bytes, mutate_hcl, mutate_json, mutate_yaml
from _fuzz.expect import Expect, invalid_utf8
from _fuzz.seeds import KINDS, Seed
from _fuzz.values import MAX_INPUT_BYTES

TODAY = "2026-11-23"
FORMATS = ("text", "json", "sarif", "junit", "github", "markdown")
KIND_WEIGHTS = {
    "tfplan": 24,
    "cfn": 24,
    "hcl": 24,
    "rules": 10,
    "infracost": 4,
    "usage": 3,
    "capacity": 3,
    "file": 8,
}
PLAN_ID = "CP-2026-001"


@dataclass(frozen=True)
class Invocation:
    name: str  # check | fix | rules-check
    argv: tuple[str, ...]  # after ``finops-gate``
    expect: Expect  # what this command owes the mutant


@dataclass
class Case:
    ident: str
    index: int
    kind: str
    seed: str
    workspace: Path
    ops: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    invocations: list[Invocation] = field(default_factory=list)
    input_bytes: int = 0
    baseline_key: str = ""  # the unmutated input's run, for NOT_PASS


class Builder:
    """Builds cases of one run; the project and its seeds are fixed for the run."""

    def __init__(
        self, repo: Path, seeds: dict[str, list[Seed]], run_seed: int, kinds: tuple[str, ...]
    ) -> None:
        self.repo = repo
        self.seeds = seeds
        self.run_seed = run_seed
        self.kinds = tuple(k for k in kinds if k == "file" or seeds.get(k))
        self.weights = [KIND_WEIGHTS[k] for k in self.kinds]

    def build(
        self, index: int, root: Path, *, mutate: bool = True, forced: tuple[str, str] | None = None
    ) -> Case:
        """The case of this index, materialised under ``root``; ``mutate=False`` builds
        the unmutated input with the same commands (the baseline)."""
        rng = random.Random(f"{self.run_seed}:{index}")
        if forced is not None:
            kind, seed_name = forced
            seed = next(s for s in self.seeds[kind] if s.name == seed_name)
        else:
            kind = rng.choices(self.kinds, self.weights)[0]
            seed = self.seeds["rules"][0] if kind == "file" else rng.choice(self.seeds[kind])
        workspace = root
        if workspace.exists():
            shutil.rmtree(workspace)
        workspace.mkdir(parents=True)
        case = Case(f"{self.run_seed}-{index}", index, kind, seed.name, workspace)
        case.baseline_key = f"{kind}|{seed.name}"
        shutil.copytree(self.repo / "rules", workspace / "rules")
        shutil.copytree(
            self.repo / "plans", workspace / "plans", ignore=shutil.ignore_patterns("TEMPLATE.md")
        )
        (workspace / "in").mkdir()
        fmt = rng.choice(FORMATS)
        common = ("--rules", "rules", "--plans", "plans", "--today", TODAY, "--format", fmt)
        if kind == "file":
            case.seed = _file_case(case, rng, self.seeds, common, self.repo)
            case.baseline_key = ""
        else:
            _content_case(case, seed, rng, common, self.repo, mutate)
        case.input_bytes = _size(workspace / "in") + (
            _size(workspace / "rules") if kind == "rules" else 0
        )
        return case


def _size(path: Path) -> int:
    total = 0
    for base, _, files in os.walk(path):
        for name in files:
            full = Path(base) / name
            try:
                if full.is_file() and not full.is_symlink():
                    total += full.stat().st_size
            except OSError:
                pass
    return total


# --------------------------------------------------------------------------- content


def _mutate_file(
    data: bytes, name: str, kind: str, rng: random.Random, case: Case, read: bool
) -> tuple[bytes, Expect]:
    """Mutate one file's bytes by its format; returns the bytes and what the gate owes."""
    expect = Expect.ANY
    lower = name.lower()
    gentle = rng.random() < 0.45  # keep it well-formed: reach tags, cost, policies, reports
    structural = gentle or rng.random() < 0.75
    if gentle:
        case.ops.append("gentle")
    result: tuple[bytes, list[str], list[str], Expect] | None = None
    is_json = (
        lower.endswith((".json", ".template"))
        and mutate_json.load(data) is not mutate_json._NOT_JSON
    )
    if structural and is_json:
        result = mutate_json.mutate(mutate_json.load(data), rng, kind, gentle)
    elif structural and lower.endswith((".yaml", ".yml", ".template", ".md")):
        text = data.decode("utf-8", "replace")
        if lower.endswith(".md"):
            result = _mutate_front_matter(text, rng, kind, gentle)
        else:
            result = mutate_yaml.mutate(text, rng, kind, gentle)
    elif structural and lower.endswith((".tf", ".tfvars", ".hcl")):
        result = mutate_hcl.mutate(data.decode("utf-8", "replace"), rng, read, gentle)
    if result is not None:
        data, ops, notes, expect = result
        case.ops += ops
        case.notes += notes
    if result is None or (not gentle and rng.random() < 0.15):
        data, op, note = mutate_bytes.mutate(data, rng)
        case.ops.append(op)
        case.notes.append(note)
        # A byte-level change can undo what made the structural mutant invalid.
        expect = Expect.ANY
        if op == "truncate" and is_json and _broken_json(data):
            expect = Expect.REFUSE
    if invalid_utf8(data):
        case.notes.append("the result is not valid UTF-8")
        # A plan's reader validates the members it reads and skips the rest unread.
        if kind != "tfplan":
            expect = max(expect, Expect.REFUSE)
    if not read:
        expect = Expect.ANY if expect == Expect.REFUSE else expect
    if len(data) > MAX_INPUT_BYTES:
        data = data[:MAX_INPUT_BYTES]
        case.notes.append(f"cut to {MAX_INPUT_BYTES:,} bytes (the input bound)")
        expect = Expect.REFUSE if is_json else Expect.ANY
    return data, expect


def _broken_json(data: bytes) -> bool:
    """Whether a JSON reader that drops lines printed before the document (as the plan
    reader does) still finds a document."""
    import json

    text = data.decode("utf-8", "replace")
    if text.strip() and not text.lstrip().startswith(("{", "[")):
        lines = text.splitlines(keepends=True)
        starts = [i for i, line in enumerate(lines) if line.lstrip().startswith("{")]
        text = "".join(lines[starts[0] :]) if starts else text
    try:
        json.loads(text)
    except (ValueError, RecursionError):
        return True
    return False


def _mutate_front_matter(
    text: str, rng: random.Random, kind: str, gentle: bool
) -> tuple[bytes, list[str], list[str], Expect] | None:
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---" or "---" not in [line.strip() for line in lines[1:]]:
        return None
    end = 1 + [line.strip() for line in lines[1:]].index("---")
    front = "\n".join(lines[1:end])
    mutated = mutate_yaml.mutate(front, rng, kind, gentle)
    if mutated is None:
        return None
    data, ops, notes, expect = mutated
    body = "\n".join(lines[end + 1 :])
    head = data.decode("utf-8", "surrogatepass")
    if head.startswith("%") or any(line.strip() in ("---", "...") for line in head.split("\n")):
        expect = Expect.ANY  # a directive or document marker ends the front matter early
    return (
        ("---\n" + head.rstrip("\n") + "\n---\n" + body).encode("utf-8", "surrogatepass"),
        ops,
        notes,
        expect,
    )


def _content_case(
    case: Case, seed: Seed, rng: random.Random, common: tuple[str, ...], repo: Path, mutate: bool
) -> None:
    ws = case.workspace
    kind = case.kind
    plan = ws / "in" / "plan.json"
    if kind in ("rules", "infracost", "usage", "capacity"):
        shutil.copyfile(repo / "examples" / "plan.json", plan)

    if kind == "rules":
        target_dir = ws / "rules"
        if seed.path.parent.name != "rules" or seed.path.parent.parent != repo:
            shutil.rmtree(target_dir)
            shutil.copytree(seed.path.parent, target_dir)
        target = target_dir / seed.path.name
    elif kind == "capacity":
        target = ws / "plans" / seed.path.name
        shutil.copyfile(seed.path, target)
    elif kind == "infracost":
        target = ws / "in" / "cost.json"
        shutil.copyfile(seed.path, target)
    elif kind == "usage":
        target = ws / "in" / "usage.yml"
        shutil.copyfile(seed.path, target)
    elif seed.is_dir:
        shutil.copytree(seed.path, ws / "in" / seed.path.name, symlinks=True)
        target = ws / "in" / seed.path.name
    else:
        target = ws / "in" / seed.path.name
        shutil.copyfile(seed.path, target)

    expect = Expect.ANY
    if mutate:
        if target.is_dir():
            files = _module_files(target)
            if not files:
                files = sorted(p for p in target.rglob("*") if p.is_file())
            chosen = rng.choice(files)
            read = (
                chosen.parent == target
                and _read_by_gate(chosen.name)
                and _has_configuration(target)
            )
            data, expect = _mutate_file(chosen.read_bytes(), chosen.name, kind, rng, case, read)
            chosen.write_bytes(data)
            case.notes.insert(0, f"mutated {chosen.relative_to(ws).as_posix()}")
            if any("fuzz-loop" in n for n in case.notes):
                (target / "fuzz-loop").symlink_to(".")
        else:
            read = kind != "hcl" or _read_by_gate(target.name)
            data, expect = _mutate_file(target.read_bytes(), target.name, kind, rng, case, read)
            target.write_bytes(data)
            if any("fuzz-loop" in n for n in case.notes):
                (target.parent / "fuzz-loop").symlink_to(".")
    shown = target.relative_to(ws).as_posix()
    checks: list[Invocation] = []
    if kind in ("tfplan", "cfn", "hcl"):
        checks.append(Invocation("check", ("check", shown, *common), expect))
        if kind in ("cfn", "hcl"):
            checks.append(
                Invocation("fix", ("fix", shown, "--rules", "rules", "--today", TODAY), expect)
            )
    elif kind == "rules":
        checks.append(Invocation("rules-check", ("rules", "check", "--rules", "rules"), expect))
        checks.append(Invocation("check", ("check", "in/plan.json", *common), expect))
    elif kind == "infracost":
        checks.append(
            Invocation("check", ("check", "in/plan.json", "--cost-file", shown, *common), expect)
        )
    elif kind == "usage":
        checks.append(
            Invocation("check", ("check", "in/plan.json", "--usage-file", shown, *common), expect)
        )
    else:
        checks.append(
            Invocation("check", ("check", "in/plan.json", "--plan-id", PLAN_ID, *common), expect)
        )
    case.invocations = checks


def _module_files(directory: Path) -> list[Path]:
    return sorted(
        p
        for p in directory.rglob("*")
        if p.is_file()
        and not p.is_symlink()
        and p.name.endswith((".tf", ".tf.json", ".tfvars", ".tfvars.json", ".hcl"))
    )


def _read_by_gate(name: str) -> bool:
    return (
        name.endswith((".tf", ".tf.json"))
        or name in ("terraform.tfvars", "terraform.tfvars.json")
        or name.endswith((".auto.tfvars", ".auto.tfvars.json"))
    )


def _has_configuration(directory: Path) -> bool:
    return any(p.name.endswith((".tf", ".tf.json")) for p in directory.iterdir() if p.is_file())


# --------------------------------------------------------------------------- file level


_DEVICES = (
    "/dev/zero",
    "/dev/urandom",
    "/dev/null",
    "/dev/stdin",
    "/proc/self/environ",
    "/proc/self/mem",
    "/proc/self/fd/0",
    "/",
    "/nonexistent/fuzz",
)


def _hostile_entry(path: Path, rng: random.Random) -> str:
    """Put something that is not a readable regular file at ``path``."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()
    choice = rng.choice(("fifo", "device", "device", "directory", "loop", "dangling", "sparse"))
    if choice == "fifo":
        os.mkfifo(path)
        return "a FIFO"
    if choice == "device":
        target = rng.choice(_DEVICES)
        path.symlink_to(target)
        return f"a symlink to {target}"
    if choice == "directory":
        path.mkdir()
        (path / "inner.json").write_text("{}")
        return "a directory"
    if choice == "loop":
        other = path.with_name(path.name + ".loop")
        path.symlink_to(other.name)
        other.symlink_to(path.name)
        return "a symlink loop"
    if choice == "dangling":
        path.symlink_to(path.name + ".missing")
        return "a dangling symlink"
    with path.open("wb") as stream:  # sparse: no disk used
        stream.truncate(rng.choice((16 * 1024 * 1024 + 1, 512 * 1024 * 1024 + 1)))
    return "a sparse file over the size limits"


SCENARIOS = ("input", "input", "module-entry", "rules", "capacity", "option-file")


def _file_case(
    case: Case,
    rng: random.Random,
    seeds: dict[str, list[Seed]],
    common: tuple[str, ...],
    repo: Path,
) -> str:
    """A file-system shape where the gate expects a file; returns the seed's name."""
    ws = case.workspace
    shutil.copyfile(repo / "examples" / "plan.json", ws / "in" / "plan.json")
    case.ops.append("file")
    scenario = rng.choice(SCENARIOS)
    inputs = [s for k in ("tfplan", "cfn", "hcl") for s in seeds.get(k, []) if not s.is_dir]
    modules = [s for s in seeds.get("hcl", []) if s.is_dir and _has_configuration(s.path)]
    if scenario == "module-entry" and not modules:
        scenario = "input"
    fix = ("--rules", "rules", "--today", TODAY)
    if scenario == "input":
        seed = rng.choice(inputs)
        target = ws / "in" / seed.path.name
        what = _hostile_entry(target, rng)
        expect = Expect.ANY if what in ("a directory", "a symlink to /") else Expect.REFUSE
        shown = target.relative_to(ws).as_posix()
        case.invocations.append(Invocation("check", ("check", shown, *common), expect))
        if seed.kind != "tfplan":
            case.invocations.append(Invocation("fix", ("fix", shown, *fix), expect))
    elif scenario == "module-entry":
        seed = rng.choice(modules)
        module = ws / "in" / seed.path.name
        shutil.copytree(seed.path, module, symlinks=True)
        name = rng.choice(
            ("zz_fuzz.tf", "terraform.tfvars", "fuzz.auto.tfvars", "zz_fuzz.tf.json", "fuzz-dir")
        )
        what = _hostile_entry(module / name, rng)
        ignored = name == "fuzz-dir" or what in ("a directory", "a symlink to /")
        expect = Expect.ANY if ignored else Expect.REFUSE
        what = f"{name} in the module is {what}"
        shown = module.relative_to(ws).as_posix()
        case.invocations.append(Invocation("check", ("check", shown, *common), expect))
        case.invocations.append(Invocation("fix", ("fix", shown, *fix), expect))
    elif scenario == "rules":
        seed = rng.choice(seeds["rules"][:6])
        what = (
            "rules/" + seed.path.name + " is " + _hostile_entry(ws / "rules" / seed.path.name, rng)
        )
        case.invocations.append(
            Invocation("rules-check", ("rules", "check", "--rules", "rules"), Expect.REFUSE)
        )
        case.invocations.append(
            Invocation("check", ("check", "in/plan.json", *common), Expect.REFUSE)
        )
    elif scenario == "capacity":
        seed = rng.choice(seeds["capacity"])
        entry = _hostile_entry(ws / "plans" / seed.path.name, rng)
        what = "plans/" + seed.path.name + " is " + entry
        argv = ("check", "in/plan.json", "--plan-id", PLAN_ID, *common)
        # A directory is no plan file: the claimed plan is then missing, which denies.
        expect = Expect.ANY if entry in ("a directory", "a symlink to /") else Expect.REFUSE
        case.invocations.append(Invocation("check", argv, expect))
    else:
        seed = Seed("file", repo / "examples" / "plan.json", "examples/plan.json")
        option = rng.choice(
            (
                "--usage-file",
                "--cost-file",
                "--prices",
                "--var-file",
                "--parameters-file",
                "--stack-tags-file",
            )
        )
        what = option + " names " + _hostile_entry(ws / "in" / "option-file", rng)
        subject = "in/plan.json"
        if option in ("--var-file", "--parameters-file", "--stack-tags-file"):
            subject = _small_source(ws, option)
        argv = ("check", subject, option, "in/option-file", *common)
        case.invocations.append(Invocation("check", argv, Expect.REFUSE))
    case.notes.append(f"file-level: {what}")
    return seed.name


def _small_source(ws: Path, option: str) -> str:
    if option == "--var-file":
        (ws / "in" / "mod").mkdir()
        (ws / "in" / "mod" / "main.tf").write_text(
            'variable "team" {\n  default = "x"\n}\nresource "aws_s3_bucket" "b" {\n  tags = { team = var.team }\n}\n'
        )
        return "in/mod"
    (ws / "in" / "template.yaml").write_text(
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      Tags: [{Key: team, Value: x}]\n"
    )
    return "in/template.yaml"


assert set(KIND_WEIGHTS) == set(KINDS)
