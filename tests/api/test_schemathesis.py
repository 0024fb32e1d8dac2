"""Every operation of ``/api/v1``, fed by schemathesis with data drawn from the OpenAPI document itself.

Issue #9 asks for zero server errors and zero schema violations: each answer must be a status the
operation declares, in a content type it declares, with a body matching the declared schema. The
app runs in process on the test's database (SQLite, and PostgreSQL when configured), as two realistic
callers: a supplier with a profile and products, and a BUMN buyer with a need. Examples are bounded so
the test stays a part of the test command.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy.orm import Session
from tests.factories.identity import api_token_for, bearer, make_user
from tests.factories.sourcing import make_buyer_org, make_need
from tests.factories.suppliers import add_product, make_supplier

from rantai.identity import repository as identity_repo
from rantai.identity import service as identity
from rantai.identity.models import Organization, User
from rantai.identity.roles import Role

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
MAX_EXAMPLES = 10  # per operation and caller, valid and invalid inputs drawn together
SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,  # the same inputs on every run: a failure is reproducible, never flaky
    database=None,
    suppress_health_check=list(HealthCheck),
)


@dataclass(frozen=True)
class Caller:
    headers: dict[str, str]
    spare_token_id: int  # the token the revocation operation may revoke (never the caller's own)


def _caller(db: Session, user: User, org: Organization) -> Caller:
    secret = api_token_for(db, user, org)
    api_token_for(db, user, org, name="cadangan")
    spare = max(t.id for t in identity_repo.api_tokens_of(db, org.id))
    return Caller(headers=bearer(secret), spare_token_id=spare)


@pytest.fixture
def supplier(db: Session) -> Caller:
    """The owner of a verified supplier with a product."""
    profile, owner, actor = make_supplier(db, status="verified")
    add_product(db, profile, actor, "Keripik Singkong Balado 250 g", price_min=12_000, moq=50)
    organization = db.get(Organization, profile.organization_id)
    assert organization is not None
    return _caller(db, owner, organization)


@pytest.fixture
def buyer(db: Session) -> Caller:
    """An owner and procurement officer of a BUMN with an open need."""
    org = make_buyer_org(db)
    user = make_user(db, org, (Role.OWNER, Role.PROCUREMENT_OFFICER))
    make_need(db, org, identity.actor_for(db, user), status="open")
    return _caller(db, user, org)


def _run(cases: st.SearchStrategy[schemathesis.Case], headers: dict[str, str], statuses: set[int]) -> None:
    @given(case=cases)
    @SETTINGS
    def run(case: schemathesis.Case) -> None:
        statuses.add(case.call_and_validate(headers=headers, checks=CHECKS).status_code)

    run()


def _check_every_operation(app: FastAPI, caller: Caller) -> None:
    """Run every operation with generated inputs; collect the failures of all before failing."""
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    failures: list[str] = []
    answered: dict[str, set[int]] = {}
    with TestClient(app, raise_server_exceptions=False) as client:
        for result in schema.get_all_operations():
            operation = result.ok()
            fixed = {"token_id": caller.spare_token_id} if "{token_id}" in operation.path else None
            # Valid inputs, and inputs that break the declared bounds (too large, the wrong type, not a
            # date...): both must get a documented answer.
            cases = st.one_of(
                operation.as_strategy(GenerationMode.POSITIVE, path_parameters=fixed),
                operation.as_strategy(GenerationMode.NEGATIVE, path_parameters=fixed),
            )
            try:
                _run(cases, caller.headers, answered.setdefault(operation.label, set()))
            except (Exception, BaseExceptionGroup) as exc:  # every operation's failure is reported together
                failures.append(f"{operation.label}: {exc}")
            # Nothing generated may lock the caller out (a revoked token would turn the rest into 401s).
            assert client.get("/api/v1/me", headers=caller.headers).status_code == 200, operation.label
    assert not failures, "\n\n".join(failures)
    assert len(answered) > 20, "the OpenAPI document lost its operations"
    succeeded = [label for label, statuses in answered.items() if any(200 <= s < 300 for s in statuses)]
    assert len(succeeded) >= 8, f"too few operations ever succeeded: {sorted(answered.items())}"


def test_api_answers_a_supplier_as_documented(app: FastAPI, supplier: Caller) -> None:
    _check_every_operation(app, supplier)


def test_api_answers_a_buyer_as_documented(app: FastAPI, buyer: Caller) -> None:
    _check_every_operation(app, buyer)
