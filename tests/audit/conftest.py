import pytest

from tests.foundation import sample_flow


@pytest.fixture(autouse=True)
def _keep_sample_flow_log_clean():
    """The sample flow logs performed steps in a module list other tests read: leave it as found."""
    saved = list(sample_flow.performed)
    yield
    sample_flow.performed[:] = saved
