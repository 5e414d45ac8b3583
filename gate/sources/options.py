"""Each input kind's own reading options, kept light so the command line can build
them without importing the readers (and their parsers)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import field
from pathlib import Path

from gate._record import frozen


@frozen
class HclOptions:
    """Terraform source: variable values (tfvars files, then explicit ones)."""

    var_files: Sequence[Path] = ()
    variables: Mapping[str, str] = field(default_factory=dict)
    region: str | None = None  # for resources whose provider block names none


@frozen
class TemplateOptions:
    """CloudFormation: parameter values and stack-level tags, as the deploy passes them."""

    parameters: Mapping[str, str] = field(default_factory=dict)
    stack_tags: Mapping[str, str] = field(default_factory=dict)
    region: str | None = None  # AWS::Region
    stack_name: str | None = None  # AWS::StackName
