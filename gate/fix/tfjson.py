"""Terraform's JSON syntax (``.tf.json``): where each resource's tags are written.

``check``'s reader says what the values are (variables, locals and ``count`` /
``for_each`` evaluated); this module finds, in the text, each ``resource`` block's
``tags`` (``labels`` for Google) and the AWS provider's ``default_tags``, so that
``fix`` can edit a literal where it stands. A string holding ``${…}`` is a template:
its value is left, with that reason.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from gate.errors import SourceError
from gate.fix import _text, _tree
from gate.fix._model import Located, Span, Target, Traced, Written
from gate.fix._tree import Mapping, Node, Scalar, Sequence
from gate.fix._yaml_json_layout import JSON, Insert

_TEMPLATE = "the value is a template (${…}) known only when Terraform plans"


def _block(node: Node | None) -> Mapping | None:
    """A block body: an object, or the first object of an array of them."""
    if isinstance(node, Sequence):
        node = next((item for item in node.items if isinstance(item, Mapping)), None)
    return node if isinstance(node, Mapping) else None


def _aws_default_tags(root: Mapping) -> Mapping | None:
    providers = _block(root.get("provider"))
    aws = providers.get("aws") if providers else None
    candidates = aws.items if isinstance(aws, Sequence) else [aws] if aws else []
    for candidate in candidates:
        if isinstance(candidate, Mapping) and candidate.get("alias") is None:
            default = _block(candidate.get("default_tags"))
            tags = default.get("tags") if default else None
            return tags if isinstance(tags, Mapping) else None
    return None


def _value(node: Node) -> tuple[str | None, str | None]:
    """The value the reader would read, and why it cannot be rewritten (if not)."""
    if isinstance(node, Scalar):
        if node.kind == "str":
            if "${" in node.text or "%{" in node.text:
                return None, _TEMPLATE
            return node.text, None
        if node.kind in ("int", "float", "bool"):
            return node.text, None
    return None, "the value is not a string"


def locate(path: Path) -> Traced:
    """Where one ``.tf.json`` file writes each resource's tags (by configuration
    address: ``aws_s3_bucket.b``). The values themselves are judged as ``check`` reads
    them, which also refuses a file whose structure Terraform would not read."""
    source = _text.read(path, "json")
    key = path.resolve()
    root = _tree.parse_json(source.text, path)
    if not isinstance(root, Mapping):
        raise SourceError("a .tf.json file holds one JSON object", path=str(path))
    defaults = _aws_default_tags(root)
    located: dict[str, Located] = {}
    blocks = _block(root.get("resource"))
    for type_key, by_name in blocks.pairs if blocks else []:
        if not isinstance(type_key, Scalar) or not isinstance(by_name, Mapping):
            continue
        rtype = type_key.text
        provider = rtype.split("_", 1)[0]
        attribute = "labels" if provider == "google" else "tags"
        for name_key, raw_body in by_name.pairs:
            body = _block(raw_body)
            if not isinstance(name_key, Scalar) or body is None:
                continue
            address = f"{rtype}.{name_key.text}"
            own = body.get(attribute)
            layers = [defaults] if provider == "aws" and defaults is not None else []
            written: dict[str, Written] = {}
            partial = False
            target: Target | str
            if own is None:
                target = Insert(source, key, body, "property", attribute, "map")
            elif isinstance(own, Mapping):
                layers.append(own)
                target = Insert(source, key, own, "map")
            else:
                partial = True
                target = "the tags are an expression, not a map"
            for layer in layers:
                counts = Counter(k.text for k, _ in layer.pairs if isinstance(k, Scalar))
                for tag_key, tag_value in layer.pairs:
                    if not isinstance(tag_key, Scalar):
                        continue
                    if isinstance(tag_value, Scalar) and tag_value.kind == "null":
                        written.pop(tag_key.text, None)
                        continue
                    value, why = _value(tag_value)
                    if counts[tag_key.text] > 1:
                        twice = "the key is written twice here; keep one"
                        written[tag_key.text] = Written(JSON, None, None, value, twice, twice)
                        continue
                    written[tag_key.text] = Written(
                        JSON,
                        Span(key, tag_key.start, tag_key.end),
                        None if why else Span(key, tag_value.start, tag_value.end),
                        value,
                        None,
                        why,
                    )
            located[address] = Located(
                address, written, target, "the tags are an expression" if partial else None
            )
    return Traced({key: source}, located)
