"""Query counts of a list at two data sizes: what a page costs must not depend on what the database holds."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries(client, url: str) -> int:
    """The queries one GET of `url` costs (after a first GET that warms the per-process caches)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured.captured_queries)


def costs(clients: dict, urls: list[str]) -> dict:
    """{(who, url): queries} for every client and url; each url is fetched once first to warm caches."""
    out = {}
    for who, client in clients.items():
        for url in urls:
            client.get(url)
            out[(who, url)] = queries(client, url)
    return out


def assert_same_cost(small: dict, large: dict) -> None:
    grown = {key: (small[key], large[key]) for key in small if large[key] != small[key]}
    assert not grown, f"query count grew with the data (small, large): {grown}"
