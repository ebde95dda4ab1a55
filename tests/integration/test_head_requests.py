"""A HEAD request (link checkers, uptime monitors) answers as its GET would, without a body."""

import pytest

from tests.factories import make_commitment


@pytest.mark.parametrize(
    "path", ["/login", "/account/reset", "/", "/we-will", "/you-said", "/accessibility"]
)
def test_head_answers_with_the_status_of_get(client, session, path):
    make_commitment(session)

    get, head = client.get(path), client.head(path)

    assert head.status_code == get.status_code == 200
    assert head.get_data() == b""
