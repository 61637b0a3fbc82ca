"""Fuzz the Open311 endpoints from their OpenAPI document: no 5xx, and responses match it.

Schemathesis generates requests for every GeoReport operation in /open311/openapi.json (valid
and invalid ones, JSON and XML), sent in-process to the WSGI app. Random service codes, places
and ids are almost never real, so real ones are swapped in (now and then in the fuzzing phase,
and in the coverage phase wherever the case is about another field): POSTs then file real
requests with a real key, and the reads return real rows whose bodies are checked.
"""

import re

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.specs.openapi import checks

from concord.wsgi import application

schema = schemathesis.openapi.from_wsgi("/open311/openapi.json", application)

EXAMPLES_PER_OPERATION = 60
COUNTS: dict[str, int] = {}

JURISDICTION = "C"  # the root of the test world
IN_THE_WORLD = {"lat": 30.05, "long": 120.05}  # its peach grid
PLAIN_CODE = "CM04.02.010"  # a service without attributes
BATCH_CODE = "CM04.02.011"  # made a batch service (answers with a token) by the fixture
# Three more, with required or multi-valued attributes.
SERVICE_CODES = [PLAIN_CODE, BATCH_CODE, "CM04.02.003", "CM01.02.004", "CM01.02.014"]
# What the fixture filed for the running test, read by the hooks as they draw.
LIVE: dict[str, list[str]] = {"service_request_id": [], "token": []}

pytestmark = pytest.mark.usefixtures("keep_the_test_connection")


def _sometimes(generated, known: list) -> st.SearchStrategy:
    return st.sampled_from([generated, *known]) if known else st.just(generated)


def _sometimes_all(values: dict, known: dict[str, list]) -> st.SearchStrategy:
    """Draw each value as generated or as one of the known real ones for its name."""
    if not isinstance(values, dict):
        return st.just(values)
    return st.fixed_dictionaries(
        {name: _sometimes(value, known.get(name, [])) for name, value in values.items()}
    )


@schema.hook("flatmap_path_parameters")
def real_ids_now_and_then(context, path_parameters):
    return _sometimes_all(path_parameters, {"service_code": SERVICE_CODES} | LIVE)


@schema.hook("flatmap_query")
def real_jurisdiction_and_ids_now_and_then(context, query):
    return _sometimes_all(query, {"jurisdiction_id": [JURISDICTION]} | LIVE)


@schema.hook("flatmap_body")
def real_services_places_and_ids_now_and_then(context, body):
    if not isinstance(body, dict):
        return st.just(body)
    swaps = {"jurisdiction_id": st.sampled_from([None, JURISDICTION])}
    if context.operation.path.endswith("/requests.{format}"):
        swaps["service_code"] = st.sampled_from([None, *SERVICE_CODES])
        swaps["place"] = st.sampled_from([None, IN_THE_WORLD, IN_THE_WORLD])
    else:
        swaps["service_request_id"] = st.sampled_from([None, *LIVE["service_request_id"]])

    def swap(chosen: dict) -> dict:
        swapped = dict(body)
        for name, value in chosen.items():
            if value is not None:
                swapped.update(value if name == "place" else {name: value})
        return swapped

    return st.fixed_dictionaries(swaps).map(swap)


def _use_real_values(case, key: str) -> None:
    """Put the real key into POST bodies and, in the coverage phase, a real service and place
    (or request) too, except where that field is what the case is about."""
    body = case.body
    if not isinstance(body, dict):
        return
    phase = case.meta.phase
    if phase.name.value != "coverage":
        if "api_key" in body:
            body["api_key"] = key
        return
    real = {"api_key": key}
    if case.operation.path.endswith("/requests.{format}"):
        real |= {"service_code": PLAIN_CODE, **IN_THE_WORLD}
    else:
        real["service_request_id"] = LIVE["service_request_id"][0]
    for name, value in real.items():
        if not re.search(rf"\b{name}\b", phase.data.description):
            body[name] = value


@pytest.fixture
def filed(world):
    """File a realtime and a batch request; return a key without a practical rate limit."""
    from concord.open311.actions import (
        RequestInput,
        api_key_issue,
        api_key_use,
        service_request_create,
    )
    from concord.open311.models import RequestType, ServiceProfile

    _, raw = api_key_issue(actor=world.adam, name="Fuzzer", rate_limit_per_minute=1_000_000)
    ServiceProfile.objects.create(service_code=BATCH_CODE, request_type=RequestType.BATCH)
    created = [
        service_request_create(
            key=api_key_use(raw=raw),
            root=world.C,
            data=RequestInput(service_code=code, description="路面有坑", **IN_THE_WORLD),
            language="zh-hans",
        )
        for code in (PLAIN_CODE, BATCH_CODE)
    ]
    LIVE["service_request_id"] = [c.case.receipt_code for c in created]
    LIVE["token"] = [c.token for c in created if c.token]
    yield raw
    for known in LIVE.values():
        known.clear()


@pytest.mark.slow
@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION, deadline=None, suppress_health_check=list(HealthCheck)
)
def test_open311_never_fails_and_matches_its_schema(case, filed):
    COUNTS[case.operation.label] = COUNTS.get(case.operation.label, 0) + 1
    _use_real_values(case, filed)
    # As for the main API: business rules (a known code, a place in the service area) are not
    # in the schema, and the parsing is lenient (unknown fields are ignored), so those two
    # checks are off. No 5xx, status codes, content types, headers and bodies are all checked.
    case.call_and_validate(
        excluded_checks=[checks.positive_data_acceptance, checks.negative_data_rejection]
    )
