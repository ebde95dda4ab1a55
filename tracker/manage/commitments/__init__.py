"""Commitments and their updates in the workspace: the rules, the writes, the dashboard.

Every change to a commitment goes through this package, so the public history
cannot lie (PRODUCT.md: nothing public changes without a trace):

- :func:`post_update` is the only way a status or a target date changes: each
  change is an :class:`~tracker.models.Update`, shown on the public page.
- :func:`edit_commitment` changes only the words (title, description, how we'll
  know, accountable role).
- :func:`make_commitment` makes a new commitment on an issue.

By what each module owns:

- :mod:`~tracker.manage.commitments.update_rules`: limits, expected failures, evidence
  links and the rules of an update, plain functions of a loaded commitment;
- :mod:`~tracker.manage.commitments.writes`: every write, and finding what it acts on;
- :mod:`~tracker.manage.commitments.dashboard`: the partner lead's dashboard;
- :mod:`~tracker.manage.commitments.conflicts`: what changed while someone was editing.
"""

from tracker.manage.commitments.conflicts import (
    HIDDEN_UPDATE_WORDS,
    ChangeMade,
    Conflict,
    conflict_since,
)
from tracker.manage.commitments.dashboard import (
    SHOW_FINISHED,
    SHOW_OPEN,
    Dashboard,
    DashboardRow,
    PartnerOption,
    Urgency,
    dashboard,
    dashboard_row,
    urgency_clause,
    urgency_of,
)
from tracker.manage.commitments.update_rules import (
    ACCOUNTABLE_ROLE_MAX,
    DESCRIPTION_MAX,
    EDITABLE_FIELDS,
    EVIDENCE_LINKS_MAX,
    EVIDENCE_TITLE_MAX,
    EVIDENCE_URL_MAX,
    FIELD_LABELS,
    NARRATIVE_MAX,
    REASON_MAX,
    RESTATED_FIELDS,
    STATUS_BY_CODE,
    SUCCESS_MEASURE_MAX,
    TITLE_MAX,
    CommitmentChanged,
    UpdateInput,
    apply_update,
    changes_status,
    evidence_links,
    moves_target_date,
    restate_from_visible_updates,
    status_after,
    update_problems,
    web_address_problem,
)
from tracker.manage.commitments.writes import (
    CREATED_FIELDS,
    UPDATE_FIELDS,
    CommitmentText,
    edit_commitment,
    find_commitment,
    find_issue,
    make_commitment,
    may_commit_for,
    partner_choices,
    post_update,
    target_date_problem,
)
from tracker.manage.problems import InvalidInput

__all__ = [
    "ACCOUNTABLE_ROLE_MAX",
    "CREATED_FIELDS",
    "DESCRIPTION_MAX",
    "EDITABLE_FIELDS",
    "EVIDENCE_LINKS_MAX",
    "EVIDENCE_TITLE_MAX",
    "EVIDENCE_URL_MAX",
    "FIELD_LABELS",
    "HIDDEN_UPDATE_WORDS",
    "NARRATIVE_MAX",
    "REASON_MAX",
    "RESTATED_FIELDS",
    "SHOW_FINISHED",
    "SHOW_OPEN",
    "STATUS_BY_CODE",
    "SUCCESS_MEASURE_MAX",
    "TITLE_MAX",
    "UPDATE_FIELDS",
    "ChangeMade",
    "CommitmentChanged",
    "CommitmentText",
    "Conflict",
    "Dashboard",
    "DashboardRow",
    "InvalidInput",
    "PartnerOption",
    "UpdateInput",
    "Urgency",
    "apply_update",
    "changes_status",
    "conflict_since",
    "dashboard",
    "dashboard_row",
    "edit_commitment",
    "evidence_links",
    "find_commitment",
    "find_issue",
    "make_commitment",
    "may_commit_for",
    "moves_target_date",
    "partner_choices",
    "post_update",
    "restate_from_visible_updates",
    "status_after",
    "target_date_problem",
    "update_problems",
    "urgency_clause",
    "urgency_of",
    "web_address_problem",
]
