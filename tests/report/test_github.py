"""GitHub workflow commands: annotations on the right file and line, never injectable,
within GitHub's per-step display limit."""

from __future__ import annotations

from pathlib import Path

from gate.report import Format, render
from gate.report import github as github_format
from tests.conftest import EXAMPLE_RULES, run_cli
from tests.report.helpers import tiny_report, violation


def test_github_commands_cannot_be_injected() -> None:
    hostile = violation("50% off\n::error::forged", address="aws_s3_bucket.b,line=1")
    output = render(tiny_report(hostile), Format.GITHUB)
    first = output.splitlines()[0]
    assert (
        first
        == "::error file=main.tf,line=1,title=ACME-1 aws_s3_bucket.b%2Cline=1::50%25 off%0A::error::forged"
    )
    # the error, the trust notice and the closing notice: nothing forged
    assert len(output.splitlines()) == 3
    assert all(line.startswith("::") for line in output.splitlines())
    assert github_format._property("a:b,c%") == "a%3Ab%2Cc%25"


def test_github_annotation_points_at_the_resource_line() -> None:
    output = render(tiny_report(violation("bad")), Format.GITHUB)
    assert (
        output.splitlines()[0] == "::error file=main.tf,line=12,title=ACME-1 aws_s3_bucket.b::bad"
    )


def test_annotations_beyond_the_step_limit_are_summarised_with_a_count() -> None:
    deny = [violation(f"bad {i}", address=f"aws_s3_bucket.b{i}") for i in range(25)]
    warn = tuple(violation(f"meh {i}", address=f"aws_s3_bucket.w{i}") for i in range(4))
    lines = render(tiny_report(*deny, warn=warn), Format.GITHUB).splitlines()
    errors = [line for line in lines if line.startswith("::error")]
    assert len(errors) == github_format.ANNOTATIONS_PER_KIND
    assert "16 more violation(s) not shown" in errors[-1]
    assert len([line for line in lines if line.startswith("::warning")]) == 4


def test_source_notes_are_warnings_on_their_file(tmp_path: Path) -> None:
    template = tmp_path / "stack.yaml"
    template.write_text(
        "Resources:\n  Child:\n    Type: AWS::CloudFormation::Stack\n    Properties: {TemplateURL: https://x}\n",
        encoding="utf-8",
    )
    result = run_cli("check", "stack.yaml", "--rules", EXAMPLE_RULES, "-f", "github", cwd=tmp_path)
    assert result.exit_code == 1
    assert "::warning file=stack.yaml,line=1,title=finops-gate note::nested stack Child" in (
        result.stdout
    )
