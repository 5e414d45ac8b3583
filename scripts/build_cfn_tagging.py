"""Build ``gate/data/cfn-tagging.json`` from the CloudFormation resource schemas
that cfn-lint ships (AWS's registry schemas, refreshed by cfn-lint releases).

Run from the repository root with the pinned cfn-lint installed (``pip install
".[test]"``): ``python scripts/build_cfn_tagging.py``. tests/sources/test_cfn.py
checks the shipped file against the installed cfn-lint, so the two move together.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "gate" / "data" / "cfn-tagging.json"
REGION = "us-east-1"


def build() -> dict[str, Any]:
    from importlib.metadata import version

    import cfnlint

    schemas = Path(cfnlint.__file__).parent / "data" / "schemas"
    index = json.loads((schemas / "providers" / f"{REGION}.json").read_text())
    schema_date = json.loads((schemas / "version.json").read_text()).get("schema_date")
    taggable: dict[str, list[str]] = {}
    untaggable: list[str] = []
    for type_name, digest in sorted(index.items()):
        schema = json.loads((schemas / "resources" / f"{digest}.json").read_text())
        tagging = schema.get("tagging") or {}
        pointer = tagging.get("tagProperty")
        if tagging.get("taggable") and isinstance(pointer, str) and pointer.startswith("/properties/"):
            name = pointer.removeprefix("/properties/")
            shape = (schema.get("properties") or {}).get(name, {}).get("type", "array")
            taggable[type_name] = [name, "map" if shape == "object" else "list"]
        else:
            untaggable.append(type_name)
    return {
        "source": f"cfn-lint {version('cfn-lint')} resource schemas ({REGION}, schema date {schema_date})",
        "taggable": taggable,
        "untaggable": untaggable,
    }


def main() -> None:
    document = build()
    OUT.write_text(json.dumps(document, separators=(",", ":")) + "\n")
    print(f"wrote {OUT.relative_to(ROOT)}: {len(document['taggable'])} taggable, {len(document['untaggable'])} not")


if __name__ == "__main__":
    main()
