"""A fault of ours shows a calm, translated 500 page with the request id; readiness reports a dead DB."""

from __future__ import annotations

import logging

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import sessionmaker

from rantai.app import create_app
from rantai.db import make_engine
from rantai.settings import Settings


def test_unexpected_error_page(app: FastAPI, client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    @app.get("/meledak")
    def explode() -> None:
        raise RuntimeError("boom")

    with caplog.at_level(logging.ERROR, logger="rantai.app"):
        response = client.get("/meledak", headers={"X-Request-ID": "uji-500"})
    assert response.status_code == 500
    assert "Terjadi kesalahan" in response.text and "uji-500" in response.text
    assert "boom" not in response.text
    assert any("/meledak" in r.getMessage() for r in caplog.records)


def test_unexpected_api_error_is_problem_json(app: FastAPI, client: TestClient) -> None:
    @app.get("/api/v1/meledak")
    def explode() -> None:
        raise RuntimeError("boom")

    response = client.get("/api/v1/meledak", headers={"Accept-Language": "en"})
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"].startswith("Something went wrong on our side")


def test_readyz_reports_a_dead_database(tmp_path_factory: pytest.TempPathFactory) -> None:
    missing = tmp_path_factory.mktemp("ro") / "no-such-dir" / "x.db"
    broken = make_engine(f"sqlite:///file:{missing}?mode=ro&uri=true")
    app = create_app(Settings(), sessionmaker(bind=broken))
    with TestClient(app) as client:
        response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["database"] == "error"
