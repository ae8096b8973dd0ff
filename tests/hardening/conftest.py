import pytest

from tests.decisions.conftest import clock  # noqa: F401 (the decisions' frozen clock)
from tests.decisions.helpers import submit, to_awaiting_meeting


@pytest.fixture
def ready(org, api, clock):  # noqa: F811
    """One ordinary decision awaiting a meeting."""
    pk = submit(api, org["dangban"])["id"]
    to_awaiting_meeting(api, org, pk)
    return pk
