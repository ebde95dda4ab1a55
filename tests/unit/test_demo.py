"""The size of the demo ICS at each scale, and how a load is reported."""

import pytest

from tracker.demo import DemoDataError, DemoSummary, demo_size


def test_scale_1_is_a_small_ics_with_two_years_of_history():
    size = demo_size(1)
    assert size.partners == 8
    assert size.areas == 6
    assert size.themes == 10
    assert size.communities == 8
    assert size.engagements == 12
    assert size.issues == 60
    assert size.commitments == 120


def test_scale_170_is_the_large_benchmark_dataset():
    size = demo_size(170)
    assert size.partners == 40
    assert size.areas == 20
    assert size.issues == 10_200
    assert size.commitments == 30_600
    # A bigger system posts updates more often, so its history is longer per commitment.
    assert size.update_interval_days < demo_size(1).update_interval_days


def test_partners_grow_with_scale_and_stop_at_40():
    partners = [demo_size(scale).partners for scale in range(1, 400)]
    assert partners == sorted(partners)
    assert max(partners) == 40
    assert demo_size(2).partners > demo_size(1).partners


def test_commitments_per_issue_rise_from_two_to_three():
    assert demo_size(1).commitments / demo_size(1).issues == 2
    assert demo_size(170).commitments / demo_size(170).issues == 3
    assert demo_size(500).commitments / demo_size(500).issues == 3


@pytest.mark.parametrize("scale", [0, -3])
def test_a_scale_below_1_is_refused_with_a_clear_message(scale):
    with pytest.raises(DemoDataError, match="scale must be 1 or more"):
        demo_size(scale)


def test_the_summary_reads_as_a_sentence():
    summary = DemoSummary(
        partners=40,
        areas=20,
        themes=10,
        communities=14,
        engagements=2040,
        issues=10_200,
        commitments=30_600,
        updates=153_825,
    )
    assert str(summary) == "40 partners, 10,200 issues, 30,600 commitments, 153,825 updates"
    assert summary.total == 40 + 20 + 10 + 14 + 2040 + 10_200 + 30_600 + 153_825
