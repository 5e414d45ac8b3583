"""The HCL parser: built once, kept in the user's cache directory, checked when loaded,
and built again whenever the cache is missing, corrupt, unwritable or different."""

from __future__ import annotations

import io
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from gate import _cache
from gate.sources import _compiled_regex, _hcl_parser
from tests.conftest import CORPUS, coverage_env

FIXTURES = Path(__file__).parent / "fixtures" / "hcl"
PROBE = (
    "import sys\n"
    "from pathlib import Path\n"
    "from gate.sources import _hcl_parser as p\n"
    "tree = p.parse(Path(sys.argv[1]).read_text(), 'x', p.TokenBudget(10**6))\n"
    "print(p.last_origin, p._digest(tree))\n"
)
SAMPLE = FIXTURES / "nested-blocks" / "main.tf"

pytestmark = pytest.mark.usefixtures("beside_a_checkout")


def probe(cache: Path) -> tuple[str, str]:
    """How a fresh process got its parser, and the fingerprint of the sample's tree."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(SAMPLE)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
        env={"XDG_CACHE_HOME": str(cache), "PATH": "/usr/bin:/bin", **coverage_env()},
    )
    origin, digest = done.stdout.split()
    return origin, digest


def unsealed(cached: Path) -> bytes:
    data = _cache.unseal(cached.read_bytes())
    assert data is not None
    return data


def pickles(cache: Path) -> list[Path]:
    return sorted((cache / "finops-gate").glob("hcl-parser-*.pickle"))


def test_the_parser_is_built_once_then_loaded_from_the_cache(tmp_path: Path) -> None:
    first = probe(tmp_path)
    assert first[0] == "built" and len(pickles(tmp_path)) == 1
    second = probe(tmp_path)
    assert second == ("cache", first[1])  # the same tree from the cached parser


def test_a_corrupt_cache_is_built_again(tmp_path: Path) -> None:
    _, expected = probe(tmp_path)
    (cached,) = pickles(tmp_path)
    cached.write_bytes(b"\x80\x05not a pickle at all")
    assert probe(tmp_path) == ("built", expected)
    assert probe(tmp_path) == ("cache", expected)  # and written again, good


def test_a_cached_parser_that_parses_differently_is_not_used(tmp_path: Path) -> None:
    _, expected = probe(tmp_path)
    (cached,) = pickles(tmp_path)
    stored = pickle.loads(unsealed(cached))
    stored["canary"] = "0" * 64  # as if the parser no longer gave the recorded tree
    buffer = io.BytesIO()
    _hcl_parser._Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(stored)
    cached.write_bytes(_cache.seal(buffer.getvalue()))
    assert probe(tmp_path) == ("built", expected)


def test_a_damaged_cache_is_refused_before_it_is_unpickled(tmp_path: Path) -> None:
    """The pickle holds regular-expression programs that ``_sre`` runs as they are; one
    damaged word there can crash the interpreter. A checksum is checked first."""
    _, expected = probe(tmp_path)
    (cached,) = pickles(tmp_path)
    sealed = cached.read_bytes()
    parser = pickle.loads(unsealed(cached))["parser"]
    pattern = next(  # one of the lexers' compiled alternations of terminals
        lexer._scanner._mres[0]
        for lexer in parser.parser.lexer.lexer.lexers.values()
        if lexer._scanner is not None
    )
    reduced = _compiled_regex.reduce(pattern)
    assert reduced is not None
    program = reduced[1][2]
    at = sealed.index(program) + 28
    damaged = sealed[:at] + (13).to_bytes(4, sys.byteorder) + sealed[at + 4 :]
    cached.write_bytes(damaged)
    assert probe(tmp_path) == ("built", expected)  # refused, rebuilt, and no crash
    assert probe(tmp_path) == ("cache", expected)


def test_the_cache_holds_compiled_patterns_and_no_grammar(tmp_path: Path) -> None:
    """What makes loading it quick: the lexers' patterns as CPython's programs (not
    compiled again), and nothing only building the parser needed."""
    probe(tmp_path)
    (cached,) = pickles(tmp_path)
    data = unsealed(cached)
    assert b"gate.sources._compiled_regex" in data
    parser = pickle.loads(data)["parser"]
    assert parser.grammar is None and parser._parse_tree_builder is None
    assert parser.parse('locals {\n  a = "b"\n}\n').data == "start"


def test_reading_terraform_leaves_python_hcl2s_api_unimported(tmp_path: Path) -> None:
    """Only its post-lexer is needed; the package's API (and ``regex``) is not."""
    probe(tmp_path)
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            PROBE + "print('hcl2' in sys.modules, 'hcl2.api' in sys.modules)",
            str(SAMPLE),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
        env={"XDG_CACHE_HOME": str(tmp_path), "PATH": "/usr/bin:/bin", **coverage_env()},
    )
    assert done.stdout.split()[-2:] == ["False", "False"]


def test_lark_is_imported_without_regex_which_stays_importable(tmp_path: Path) -> None:
    """Lark is imported (through ``gate.sources._lark``) without the ``regex`` module it
    would load for features the gate does not use; the parser is built and loaded
    without it, and ``regex`` imports as usual afterwards."""
    check = (
        "import lark.utils\n"
        "print('regex' in sys.modules, lark.utils._has_regex)\n"
        "import regex\n"
        "print(regex.match(r'\\p{Lu}', 'A') is not None)\n"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", PROBE + check, str(SAMPLE)],
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
            env={"XDG_CACHE_HOME": str(tmp_path), "PATH": "/usr/bin:/bin", **coverage_env()},
        ).stdout.split()
        for _ in range(2)
    ]
    with_regex = subprocess.run(  # Lark as it comes: regex imported first
        [sys.executable, "-c", "import regex\n" + PROBE, str(SAMPLE)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
        env={"XDG_CACHE_HOME": str(tmp_path / "other"), "PATH": "/usr/bin:/bin", **coverage_env()},
    ).stdout.split()
    assert [run[0] for run in runs] == ["built", "cache"]
    assert runs[0][1] == runs[1][1] == with_regex[1]  # the same tree either way
    for run in runs:
        assert run[2:] == ["False", "False", "True"]


def test_every_module_of_the_gate_imports_lark_through_gate_sources_lark() -> None:
    """A module importing Lark (or python-hcl2, which imports it) directly would load
    ``regex`` again whenever it is imported first. Only ``gate/sources/_lark.py`` imports
    them when a module loads; an import inside a function is allowed in a module that
    loads ``gate.sources._lark`` itself (it has run by the time the function does)."""
    import ast

    package = Path(__file__).parents[2] / "gate"
    offenders = []
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        through_lark = any(
            isinstance(node, ast.ImportFrom) and node.module == "gate.sources._lark"
            for node in tree.body
        )
        at_load = {id(node) for node in tree.body}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            if not any(name.split(".")[0] in ("lark", "hcl2") for name in names):
                continue
            if path.name == "_lark.py" or (id(node) not in at_load and through_lark):
                continue
            offenders.append(f"{path.relative_to(package)}:{node.lineno}")
    assert offenders == []


def test_regex_imported_before_lark_is_left_as_it_is() -> None:
    """Whoever imported ``regex`` first keeps it, and Lark uses it: nothing is taken away."""
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, regex\n"
            "import gate.sources._lark, lark.utils\n"
            "print(sys.modules.get('regex') is regex, lark.utils._has_regex)\n",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
        env={"PATH": "/usr/bin:/bin", **coverage_env()},
    )
    assert done.stdout.split() == ["True", "True"]


def test_the_post_lexer_comes_from_its_package_when_its_file_cannot_be_read_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import importlib.util

    from hcl2.postlexer import PostLexer

    alone = _hcl_parser._post_lexer()
    assert alone is not PostLexer and alone.__name__ == "PostLexer"

    def refuse(*args: object, **kwargs: object) -> None:
        raise ImportError("as if the file imported its package")

    monkeypatch.setattr(importlib.util, "spec_from_file_location", refuse)
    assert _hcl_parser._post_lexer() is PostLexer


def test_an_unwritable_cache_directory_only_means_building(tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("a file where the cache directory would go", encoding="utf-8")
    assert probe(blocked)[0] == "built"
    assert probe(blocked)[0] == "built"


def sources_to_compare() -> list[Path]:
    files = sorted(FIXTURES.rglob("*.tf"))
    if (CORPUS / "hcl").is_dir():
        files += sorted((CORPUS / "hcl").rglob("*.tf"))
    return files


def test_the_cached_parser_parses_exactly_like_a_fresh_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    probe(tmp_path)  # writes the cache
    _hcl_parser.forget()
    try:
        cached = _hcl_parser.parser()
        assert _hcl_parser.last_origin == "cache"
        fresh = _hcl_parser._build(_hcl_parser._grammar_path(), None, positions=False)
        compared = 0
        for path in sources_to_compare():
            text = path.read_text(encoding="utf-8") + "\n"
            try:
                expected = _hcl_parser._digest(fresh.parse(text))
            except Exception:  # the corpus holds two files no parser accepts
                with pytest.raises(Exception):  # noqa: B017 - the same refusal either way
                    cached.parse(text)
                continue
            assert _hcl_parser._digest(cached.parse(text)) == expected, path
            compared += 1
        assert compared >= 20
    finally:
        _hcl_parser.forget()


def test_a_long_string_is_several_pieces_of_one_string() -> None:
    budget = _hcl_parser.TokenBudget(1_000_000)
    text = 'x = "' + "a" * 10_000 + "${var.b}" + "c" * 5_000 + '"\n'
    tree = _hcl_parser.parse(text, "x.tf", budget)
    pieces = list(tree.scan_values(lambda v: getattr(v, "type", "") == "STRING_CHARS"))
    assert "".join(pieces[:-2]) == "a" * 10_000 and len(pieces) > 3


def test_the_token_budget_is_shared_by_a_load() -> None:
    budget = _hcl_parser.TokenBudget(50)
    _hcl_parser.parse("a = 1\n", "a.tf", budget)
    left = budget.left
    assert 0 < left < 50
    with pytest.raises(Exception, match="too large to evaluate"):
        _hcl_parser.parse("b = [" + "1, " * 100 + "]\n", "b.tf", budget)


def topdown(tree: Any) -> list[Any]:
    return list(tree.iter_subtrees_topdown())


def test_lines_from_tokens_are_the_lines_lark_propagates() -> None:
    """The reader and the source map parse without Lark's positions (half the time) and
    take a node's line from its first token (python-hcl2's grammar keeps every token,
    brackets and ``=`` included): over every fixture and corpus file, that is the line
    Lark works out for every node."""
    budget = _hcl_parser.TokenBudget(10**7)
    compared = 0
    for path in sources_to_compare():
        text = path.read_text(encoding="utf-8")
        try:
            positioned = _hcl_parser.parse(text, path.name, budget, positions=True)
        except Exception:  # the corpus holds two files no parser accepts
            continue
        lines = _hcl_parser.parse(text, path.name, budget)
        pairs = zip(topdown(positioned), topdown(lines), strict=True)
        for with_positions, without in pairs:
            assert with_positions.data == without.data
            assert without.meta.empty  # the fast parser really kept no positions
            if not with_positions.meta.empty:
                assert _hcl_parser.line_of(without) == with_positions.meta.line, path
                compared += 1
    assert compared > 2_000  # the fixtures alone hold ~2,900 such nodes; the corpus, many more


def test_a_node_starts_on_its_first_tokens_line() -> None:
    text = "tags = merge(\n  {\n    team = (\n      var.team\n    )\n  }\n)\n"
    tree = _hcl_parser.parse(text, "x.tf", _hcl_parser.TokenBudget(1000))
    first = {n.data: _hcl_parser.line_of(n) for n in topdown(tree)}
    assert first["attribute"] == 1
    assert first["object"] == 2
    assert first["object_elem"] == 3
