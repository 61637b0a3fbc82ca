"""Send the hostile-string corpus to every API and Open311 operation: 0 responses >= 500.

Schemathesis draws requests for every operation in both OpenAPI documents, and hooks swap every
string it generated (path parameters, query parameters and body fields, nested ones included)
for an entry of tests/security/hostile_strings.py. Only the fuzzing phase runs, with a few
examples per operation, so the whole sweep stays within a minute or two.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from concord.wsgi import application

from .hostile_strings import HOSTILE_STRINGS

EXAMPLES_PER_OPERATION = 3
SENT: list[str] = []

pytestmark = pytest.mark.usefixtures("keep_the_test_connection")


# A lone surrogate cannot be percent-encoded into a URL (its bytes arrive as invalid UTF-8,
# which Django decodes with replacement characters): addresses get the rest of the corpus.
IN_ADDRESSES = [s for s in HOSTILE_STRINGS if not any(0xD800 <= ord(c) <= 0xDFFF for c in s)]


def _hostile(value, corpus: list[str]) -> st.SearchStrategy:
    """Draw `value` with each string in it replaced by a corpus entry."""
    if isinstance(value, str):
        return st.sampled_from(corpus)
    if isinstance(value, dict):
        return st.fixed_dictionaries({key: _hostile(item, corpus) for key, item in value.items()})
    if isinstance(value, list):
        return st.tuples(*(_hostile(item, corpus) for item in value)).map(list)
    return st.just(value)


def _body_corpus(context) -> list[str]:
    """The whole corpus for JSON bodies; multipart and form bodies cannot carry surrogates."""
    content = context.operation.definition.raw.get("requestBody", {}).get("content", {})
    return HOSTILE_STRINGS if "application/json" in content else IN_ADDRESSES


def _load(path: str):
    schema = schemathesis.openapi.from_wsgi(path, application)
    phases = schema.config.phases
    phases.examples.enabled = False
    phases.coverage.enabled = False
    phases.stateful.enabled = False
    schema.hook("flatmap_path_parameters")(lambda context, value: _hostile(value, IN_ADDRESSES))
    schema.hook("flatmap_query")(lambda context, value: _hostile(value, IN_ADDRESSES))
    schema.hook("flatmap_body")(lambda context, value: _hostile(value, _body_corpus(context)))
    return schema


api_schema = _load("/api/v1/openapi.json")
open311_schema = _load("/open311/openapi.json")


@pytest.fixture
def bearer(world):
    from concord.accounts.models import ApiToken

    return {"Authorization": f"Bearer {ApiToken.issue(user=world.zoe, name='hostile')[1]}"}


def _no_server_error(case, headers=None) -> None:
    response = case.call(headers=headers)
    SENT.append(case.operation.label)
    assert response.status_code < 500, (
        f"{case.operation.label} answered {response.status_code} to {case.path_parameters!r} "
        f"{case.query!r} {case.body!r}"
    )


@pytest.mark.slow
@pytest.mark.django_db
@api_schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_api_answers_hostile_strings_without_a_server_error(case, bearer):
    _no_server_error(case, bearer)


@pytest.mark.slow
@pytest.mark.django_db
@open311_schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_open311_answers_hostile_strings_without_a_server_error(case, world):
    _no_server_error(case)
