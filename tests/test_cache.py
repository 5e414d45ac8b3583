"""The user's cache directory is never one the change under review can fill: what is
read back from it (compiled code, a pickled parser, validation marks, prices) is
trusted, and a pull request controls the files of its checkout."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

from gate import _cache
from gate.cost import catalog
from gate.sources import _hcl_parser
from tests.conftest import EXAMPLE_RULES, run_subprocess


def test_an_absolute_cache_home_outside_any_checkout_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "work" / ".git").mkdir(parents=True)  # the tree under review: a checkout
    monkeypatch.chdir(tmp_path / "work")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert _cache.user_cache_dir() == tmp_path / "xdg" / "finops-gate"


def test_beside_a_tree_that_is_no_checkout_nothing_that_holds_it_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unpacked archive with HOME at its root, the gate run in a subfolder: where the
    tree under review begins is unknown, so no folder that holds the working directory
    may hold the cache either. A cache that shares only the filesystem root is used."""
    tree = tmp_path / "unpacked"
    (tree / "infra").mkdir(parents=True)
    monkeypatch.chdir(tree / "infra")
    monkeypatch.setenv("HOME", str(tree))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))  # beside it: held by tmp_path
    assert _cache.user_cache_dir() is None
    assert not _cache.safe_location(tree / ".cache" / "finops-gate", tree / "infra")
    assert _cache.safe_location(Path("/finops-gate-test-elsewhere/cache"), tree / "infra")
    (tree / ".git").mkdir()  # the same tree as a checkout: a cache outside it is used
    _cache.forget()  # (decided once a process otherwise)
    assert _cache.user_cache_dir() == tmp_path / "xdg" / "finops-gate"


def test_a_planted_document_beside_a_tree_that_is_no_checkout_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The end-to-end case a review found: the change commits
    .cache/finops-gate/yaml/<digest of the built-in tags.yaml>.json saying there are no
    tag rules. It is not read; the untagged queue is still denied."""
    from gate import _yaml
    from gate._digest import digest
    from gate.rules import defaults_dir

    tree = tmp_path / "unpacked"
    (tree / "infra").mkdir(parents=True)
    template = {"Resources": {"Queue": {"Type": "AWS::SQS::Queue", "Properties": {}}}}
    (tree / "infra" / "stack.json").write_text(json.dumps(template), encoding="utf-8")
    text = (defaults_dir() / "tags.yaml").read_text(encoding="utf-8")
    key = digest(_yaml.reader_stamp(), text.encode("utf-8", "surrogatepass"))
    entry = tree / ".cache" / "finops-gate" / "yaml" / f"{key}.json"
    entry.parent.mkdir(parents=True)
    entry.write_text('{"tags": []}', encoding="utf-8")
    entry.chmod(0o600)
    monkeypatch.setenv("HOME", str(tree))
    monkeypatch.delenv("XDG_CACHE_HOME")
    done = run_subprocess("check", "stack.json", cwd=tree / "infra")
    assert done.exit_code == 1, done.stderr
    (tree / "infra" / ".git").mkdir()  # (where it would be read: so this test can fail)
    monkeypatch.chdir(tree / "infra")
    assert _yaml._entry(text) == entry


def test_a_cache_home_inside_the_working_directory_falls_back_to_the_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "work"
    (work / ".git").mkdir(parents=True)
    monkeypatch.chdir(work)
    monkeypatch.setenv("XDG_CACHE_HOME", str(work / ".cache"))  # CI caching set up in the tree
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert _cache.user_cache_dir() == tmp_path / "home" / ".cache" / "finops-gate"
    assert catalog.default_overlay() == tmp_path / "home" / ".cache" / "finops-gate" / "prices.json"


def test_a_home_inside_a_git_checkout_means_no_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A container runner with HOME=/workspace: both candidates lie in the checkout."""
    checkout = tmp_path / "workspace"
    (checkout / ".git").mkdir(parents=True)
    (checkout / "infra").mkdir()
    monkeypatch.chdir(checkout / "infra")
    monkeypatch.setenv("HOME", str(checkout))
    monkeypatch.setenv("XDG_CACHE_HOME", str(checkout / ".cache"))
    assert _cache.user_cache_dir() is None
    assert catalog.default_overlay() is None


def test_a_parser_cache_committed_to_the_checkout_is_never_unpickled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pull request commits .cache/finops-gate/hcl-parser-….pickle, and the CI step
    runs with HOME (or XDG_CACHE_HOME) in the workspace: unpickling it would run the
    author's code inside the gate. It is not read; the parser is built instead."""
    checkout = tmp_path / "checkout"
    (checkout / ".git").mkdir(parents=True)
    (checkout / "main.tf").write_text('resource "aws_sqs_queue" "q" {\n}\n', encoding="utf-8")
    marker = tmp_path / "payload-ran"
    cache = checkout / ".cache" / "finops-gate"
    cache.mkdir(parents=True)
    key = _hcl_parser._cache_key(_hcl_parser._grammar_path())
    payload = pickle.dumps(_Payload(str(marker)))
    for mode in ("lines", "positions"):
        (cache / f"hcl-parser-{key}-{mode}.pickle").write_bytes(payload)
    monkeypatch.setenv("HOME", str(checkout))
    monkeypatch.setenv("XDG_CACHE_HOME", str(checkout / ".cache"))
    done = run_subprocess("check", ".", "--rules", EXAMPLE_RULES, cwd=checkout)
    assert done.exit_code in (0, 1), done.stderr
    assert not marker.exists()


def test_the_payload_of_that_test_would_run_if_unpickled(tmp_path: Path) -> None:
    """(So that the test above can fail: the planted file does run code when loaded.)"""
    marker = tmp_path / "payload-ran"
    pickle.loads(pickle.dumps(_Payload(str(marker))))
    assert marker.exists()


class _Payload:
    """Unpickles as a call that leaves a file behind."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, ...]]:
        code = f"open({self.marker!r}, 'w').close()"
        return (exec, (code,))


@pytest.mark.usefixtures("beside_a_checkout")
def test_a_price_overlay_in_the_cache_counts_only_as_the_user_s_own_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Prices read back from the cache decide budget checks: one that others may write
    (or in a folder that is a link) is not read, as every file read back from there."""
    from tests.conftest import write_json

    folder = _cache.user_cache_dir()
    assert folder is not None
    folder.mkdir(parents=True, mode=0o700)
    overlay = write_json(
        folder / "prices.json",
        {
            "schema": "finops-gate/prices/v1",
            "currency": "USD",
            "prices": {"ec2.instance|eu-west-3|m5.large": "0.001"},
        },
    )
    overlay.chmod(0o666)
    assert str(overlay) not in catalog.load().origins
    overlay.chmod(0o600)
    assert str(overlay) in catalog.load().origins  # (so that the test can fail)
    monkeypatch.setenv("FINOPS_GATE_PRICES", str(overlay))  # named by whoever runs the gate
    overlay.chmod(0o666)
    assert str(overlay) in catalog.load().origins


def test_an_unreadable_cache_folder_only_means_no_lark_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cache folder left by a run under sudo (root's, mode 700) cannot even be looked
    into: Lark gets no cache file, and the run goes on (it was an internal error)."""
    import os

    blocked = tmp_path / "hcl-lark-x.cache"
    real_lstat = os.lstat

    def lstat(path: object, *args: object, **kwargs: object) -> os.stat_result:
        if str(path) == str(blocked):
            raise PermissionError(13, "Permission denied", str(path))
        return real_lstat(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "lstat", lstat)
    assert _hcl_parser._fresh_or_trusted(blocked) is False
    assert _hcl_parser._fresh_or_trusted(tmp_path / "not-there.cache") is True
