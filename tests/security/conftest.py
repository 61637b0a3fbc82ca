"""Fixtures shared by the security tests."""

import pytest


@pytest.fixture
def keep_the_test_connection():
    """Keep the test's database connection open across in-process WSGI requests.

    Requests sent straight to the WSGI app (as the fuzzers do) run inside the test's
    transaction; Django would close that connection at the end of every request (as its own
    test client also prevents).
    """
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
