"""``finops-gate prices refresh`` end to end, over HTTP: botocore talks to a local
stand-in for the Price List API (moto has none) through ``AWS_ENDPOINT_URL_PRICING``,
so the command's own client, credentials, paging, errors and overlay file are real."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from gate.cost import catalog
from tests.conftest import run_cli


def _instance(itype: str, usd: str) -> str:
    return json.dumps(
        {
            "product": {
                "productFamily": "Compute Instance",
                "attributes": {"instanceType": itype, "regionCode": "eu-west-3"},
            },
            "serviceCode": "AmazonEC2",
            "terms": {
                "OnDemand": {
                    "SKU.T": {
                        "priceDimensions": {
                            "SKU.T.D": {"unit": "Hrs", "pricePerUnit": {"USD": usd}}
                        }
                    }
                }
            },
        }
    )


class PriceList:
    """What the stand-in answers: pages of products by service code, or an error."""

    def __init__(self) -> None:
        self.pages: dict[str, list[list[str]]] = {}
        self.error: tuple[int, str] | None = None
        self.requests: list[dict[str, Any]] = []


@pytest.fixture
def price_list() -> Iterator[tuple[PriceList, dict[str, str]]]:
    state = PriceList()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            state.requests.append({"target": self.headers.get("X-Amz-Target"), **body})
            if state.error is not None:
                status, kind = state.error
                self._answer(status, {"__type": kind, "message": "denied by the test"})
                return
            pages = state.pages.get(body.get("ServiceCode", ""), [[]])
            index = int(body.get("NextToken") or 0)
            answer: dict[str, Any] = {"FormatVersion": "aws_v1", "PriceList": pages[index]}
            if index + 1 < len(pages):
                answer["NextToken"] = str(index + 1)
            self._answer(200, answer)

        def _answer(self, status: int, document: dict[str, Any]) -> None:
            data = json.dumps(document).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/x-amz-json-1.1")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    env = {
        "AWS_ENDPOINT_URL_PRICING": f"http://127.0.0.1:{server.server_address[1]}",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_CONFIG_FILE": "/nonexistent",
        "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
        "AWS_MAX_ATTEMPTS": "1",
    }
    try:
        yield state, env
    finally:
        server.shutdown()
        server.server_close()


def test_refresh_writes_an_overlay_that_check_then_prices_with(
    price_list: tuple[PriceList, dict[str, str]], tmp_path: Path
) -> None:
    state, env = price_list
    state.pages["AmazonEC2"] = [
        [_instance("m5.large", "0.1120000000")],
        [_instance("c7g.large", "0.0808000000")],
    ]
    overlay = tmp_path / "prices.json"
    result = run_cli(
        "prices", "refresh", "--region", "eu-west-3", "--kind", "ec2.instance",
        "-o", overlay, env=env,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert str(overlay) in result.stdout
    assert {r["ServiceCode"] for r in state.requests} == {"AmazonEC2"}
    assert any(r.get("NextToken") == "1" for r in state.requests)  # the second page was read
    loaded = catalog.load(overlay)
    assert loaded.price("ec2.instance", "eu-west-3", "m5.large") == Decimal("0.112")
    assert loaded.price("ec2.instance", "eu-west-3", "c7g.large") == Decimal("0.0808")


def test_a_refresh_extends_the_overlay_it_is_given(
    price_list: tuple[PriceList, dict[str, str]], tmp_path: Path
) -> None:
    state, env = price_list
    overlay = tmp_path / "prices.json"
    state.pages["AmazonEC2"] = [[_instance("m5.large", "0.1120000000")]]
    first = run_cli(
        "prices", "refresh", "--region", "eu-west-3", "--kind", "ec2.instance",
        "-o", overlay, env=env,
    )  # fmt: skip
    assert first.exit_code == 0, first.stderr
    state.pages["AmazonEC2"] = [[_instance("m5.large", "0.2000000000")]]
    second = run_cli(
        "prices", "refresh", "--region", "eu-west-3", "--kind", "ec2.instance",
        "-o", overlay, env=env,
    )  # fmt: skip
    assert second.exit_code == 0, second.stderr
    assert catalog.load(overlay).price("ec2.instance", "eu-west-3", "m5.large") == Decimal("0.2")


@pytest.mark.parametrize(
    ("status", "kind"), [(400, "AccessDeniedException"), (500, "InternalErrorException")]
)
def test_an_api_error_is_exit_2_and_writes_nothing(
    status: int, kind: str, price_list: tuple[PriceList, dict[str, str]], tmp_path: Path
) -> None:
    state, env = price_list
    state.error = (status, kind)
    overlay = tmp_path / "prices.json"
    result = run_cli(
        "prices", "refresh", "--region", "eu-west-3", "--kind", "ec2.instance",
        "-o", overlay, env=env,
    )  # fmt: skip
    assert result.exit_code == 2
    assert "Price List" in result.stderr and result.stderr.count("\n") == 1
    assert not overlay.exists()


def test_an_unknown_kind_is_exit_2_before_any_request(
    price_list: tuple[PriceList, dict[str, str]], tmp_path: Path
) -> None:
    state, env = price_list
    result = run_cli(
        "prices", "refresh", "--region", "eu-west-3", "--kind", "gpu.magic",
        "-o", tmp_path / "p.json", env=env,
    )  # fmt: skip
    assert result.exit_code == 2
    assert "gpu.magic" in result.stderr
    assert state.requests == []


def test_no_reachable_api_is_exit_2_naming_it(tmp_path: Path) -> None:
    env = {
        "AWS_ENDPOINT_URL_PRICING": "http://127.0.0.1:9",  # discard: nothing listens
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_MAX_ATTEMPTS": "1",
    }
    result = run_cli(
        "prices", "refresh", "--region", "eu-west-3", "--kind", "ec2.instance",
        "-o", tmp_path / "p.json", env=env,
    )  # fmt: skip
    assert result.exit_code == 2
    assert "Price List" in result.stderr
