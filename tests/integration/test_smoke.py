from tests.factories import make_commitment


def test_factories_store_a_commitment_with_references(session):
    commitment = make_commitment(session)
    assert commitment.reference.startswith("WW-")
    assert commitment.issue.reference.startswith("YS-")
