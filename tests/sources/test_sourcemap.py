"""The source map: each plan address to the block, tags attribute and tag line that
wrote it, and a reason for every address it cannot place."""

from __future__ import annotations

from pathlib import Path

import pytest

from gate.sources import sourcemap


def write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


ROOT = {
    "providers.tf": (
        'provider "aws" {\n'  # 1
        "  default_tags {\n"  # 2
        "    tags = {\n"  # 3
        '      team = "platform"\n'  # 4
        "    }\n"
        "  }\n"
        "}\n"
        'provider "aws" {\n  alias = "other"\n}\n'
    ),
    "main.tf": (
        'resource "aws_s3_bucket" "tagged" {\n'  # 1
        "  tags = {\n"  # 2
        '    Owner = "a@b.c"\n'  # 3
        '    "cost-center" = "CC-1"\n'  # 4
        "  }\n"
        "}\n"
        'resource "aws_sqs_queue" "bare" {}\n'  # 7
        'module "app" {\n  source = "./modules/app"\n}\n'  # 8
        'module "registry" {\n  source = "terraform-aws-modules/vpc/aws"\n}\n'  # 11
        'module "computed" {\n  source = "${path.module}/x"\n}\n'  # 14
        'module "missing" {\n  source = "./nowhere"\n}\n'  # 17
    ),
    "modules/app/main.tf": (
        'resource "aws_instance" "web" {\n'  # 1
        '  for_each = toset(["a"])\n'
        '  tags = merge(var.tags, { environment = "prod" })\n'  # 3
        "}\n"
        'module "deeper" {\n  source = "../broken"\n}\n'  # 5
    ),
    "modules/broken/main.tf": 'resource "aws_s3_bucket" "b" {\n  tags = {\n',
}


@pytest.fixture
def source_map(tmp_path: Path) -> sourcemap.SourceMap:
    return sourcemap.build(write(tmp_path, ROOT))


def spot(source_map: sourcemap.SourceMap, address: str, key: str | None) -> tuple[str, int]:
    block, why = source_map.find(address)
    assert block is not None, why
    found = block.spot_for(key)
    return found.file.relative_to(source_map.root.resolve()).as_posix(), found.line


def test_a_tag_lands_on_its_key_the_attribute_or_the_block(
    source_map: sourcemap.SourceMap,
) -> None:
    assert spot(source_map, "aws_s3_bucket.tagged", "Owner") == ("main.tf", 3)
    assert spot(source_map, "aws_s3_bucket.tagged", "cost-center") == ("main.tf", 4)
    assert spot(source_map, "aws_s3_bucket.tagged", "environment") == ("main.tf", 2)
    assert spot(source_map, "aws_s3_bucket.tagged", None) == ("main.tf", 2)
    assert spot(source_map, "aws_s3_bucket.tagged", "team") == ("providers.tf", 4)
    assert spot(source_map, "aws_sqs_queue.bare", "environment") == ("main.tf", 7)


def test_module_instances_land_in_the_module_and_on_its_call(
    source_map: sourcemap.SourceMap,
) -> None:
    web = 'module.app.aws_instance.web["a"]'
    assert spot(source_map, web, "environment") == ("modules/app/main.tf", 3)
    # default_tags reach the resources of local modules
    assert spot(source_map, web, "team") == ("providers.tf", 4)
    # a registry module's resources land on the module block that calls it
    assert spot(source_map, "module.registry.aws_vpc.this[0]", "team") == ("main.tf", 11)
    assert spot(source_map, 'module.computed["k"].aws_s3_bucket.b', "x") == ("main.tf", 14)


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("module.missing.aws_s3_bucket.b", "./nowhere"),
        ("module.app.module.deeper.aws_s3_bucket.b", "not valid HCL"),
        ("aws_s3_bucket.not_written", "no resource block"),
    ],
)
def test_an_address_that_cannot_be_placed_says_why(
    address: str, reason: str, source_map: sourcemap.SourceMap
) -> None:
    block, why = source_map.find(address)
    assert block is None
    assert why is not None and reason in why


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("aws_s3_bucket.b[0]", "aws_s3_bucket.b"),
        ('module.a["x.y"].aws_s3_bucket.b["k"]', "module.a.aws_s3_bucket.b"),
        ('aws_s3_bucket.b["with ] bracket"]', "aws_s3_bucket.b"),
        ('aws_s3_bucket.b["quote \\" and ] after"]', "aws_s3_bucket.b"),
        ("aws_s3_bucket.b[0] (deposed 1a2b3c)", "aws_s3_bucket.b"),
    ],
)
def test_configuration_address_drops_instance_keys(address: str, expected: str) -> None:
    assert sourcemap.configuration_address(address) == expected


def test_a_module_calling_itself_stops_at_the_depth_bound(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": 'module "loop" {\n  source = "./"\n}\n'
            'resource "aws_s3_bucket" "b" {\n  tags = { team = "a" }\n}\n'
        },
    )
    built = sourcemap.build(tmp_path)
    deep = ".".join(["module.loop"] * (sourcemap.MAX_MODULE_DEPTH + 1))
    block, why = built.find(f"{deep}.aws_s3_bucket.b")
    assert block is None and why is not None
    assert built.find("module.loop.aws_s3_bucket.b")[0] is not None


def test_an_unreadable_file_is_named_as_the_reason(tmp_path: Path) -> None:
    write(tmp_path, {"main.tf": 'resource "aws_s3_bucket" "b" {}\n'})
    (tmp_path / "bad.tf").write_bytes(b"\xff\xfe\x00not utf-8")
    built = sourcemap.build(tmp_path)
    assert built.find("aws_s3_bucket.b")[0] is not None  # the rest is still read
    (tmp_path / "only-bad").mkdir()
    (tmp_path / "only-bad" / "x.tf").write_bytes(b"\xff\xfe\x00")
    block, why = sourcemap.build(tmp_path / "only-bad").find("aws_s3_bucket.b")
    assert block is None and why is not None and "x.tf" in why


def test_terraform_json_syntax_is_mapped_too(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf.json": (
                "{\n"
                '  "provider": {"aws": {"default_tags": {"tags": {\n'  # 2
                '    "team": "platform"}}}},\n'
                '  "resource": {"aws_s3_bucket": {"b": {\n'  # 4
                '    "tags": {\n'  # 5
                '      "Owner": "a@b.c"}}}},\n'
                '  "module": {"app": {"source": "./app"}}\n'  # 7
                "}\n"
            ),
            "app/main.tf": 'resource "aws_sqs_queue" "q" {}\n',
        },
    )
    built = sourcemap.build(tmp_path)
    assert spot(built, "aws_s3_bucket.b", "Owner") == ("main.tf.json", 5)
    assert spot(built, "aws_s3_bucket.b", "team") == ("main.tf.json", 2)
    assert spot(built, "module.app.aws_sqs_queue.q", None) == ("app/main.tf", 1)
