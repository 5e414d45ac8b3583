"""Which resource of the change an attribute refers to, from the references each
reader records on the resource (``Resource.references``): the resolver
``estimate.estimate`` takes.

A reference may name a resource with ``count`` or ``for_each`` as a whole
(``aws_launch_template.web[count.index]`` is recorded as ``aws_launch_template.web``):
it resolves to the instance with the referring resource's own key, else to the only
instance there is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from gate.cost import cfn
from gate.cost.estimate import Resolver
from gate.model import Resource

_TRAILING_INDEX = re.compile(r"\[[^\]]*\]$")


def resolver(resources: Sequence[Resource]) -> Resolver:
    addresses: set[str] = set()
    by_base: dict[str, list[str]] = {}  # a counted resource's address without its key

    def resolve(resource: Resource, path: str) -> str | None:
        if resource.type.startswith("AWS::"):
            found = cfn.REFERENCE_PATHS.get((resource.type, path))
            if found is None:
                return None
            path = found
        target = resource.references.get(path)
        if target is None:
            return None
        if not addresses:  # indexed once, when the first reference is resolved
            for item in resources:
                addresses.add(item.address)
                base = _TRAILING_INDEX.sub("", item.address)
                if base != item.address:
                    by_base.setdefault(base, []).append(item.address)
        if target in addresses:
            return target
        instances = by_base.get(target, [])
        if len(instances) == 1:
            return instances[0]
        key = _TRAILING_INDEX.search(resource.address)
        same_key = f"{target}{key.group(0)}" if key else None
        return same_key if same_key in instances else None

    return resolve
