import pytest
import time_machine

from tests.decisions.helpers import START


@pytest.fixture
def clock():
    """Frozen clock at START; `clock.move_to(dt)` moves it."""
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller
