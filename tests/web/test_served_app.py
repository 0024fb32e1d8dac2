"""The app as `rantai serve` runs it in each worker process (issue #9: server CPU per shortlist page)."""

from __future__ import annotations

import gc

import pytest
from fastapi.testclient import TestClient

from rantai.app import create_served_app
from rantai.kit.collector import YOUNG_THRESHOLD
from rantai.settings import Settings


@pytest.mark.usefixtures("collector")
def test_a_served_worker_keeps_its_start_up_objects_out_of_the_collector(settings: Settings) -> None:
    # With 50 concurrent page views, full collections walking the framework's objects cost 3-5 ms of
    # every shortlist page; a served worker freezes what start-up made and collects young objects less often.
    app = create_served_app(settings)
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold()[0] == YOUNG_THRESHOLD
    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 200
