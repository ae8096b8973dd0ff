from tests.decisions.conftest import clock  # noqa: F401  (the frozen clock of the decision helpers)
