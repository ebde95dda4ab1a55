"""The engagement team's records: engagements, issues, changes of lead partner,
moderation of updates, and the reference data (partners, areas, themes, communities).

Every write:

- refuses anyone outside the engagement team (admins included) before anything else;
- checks the record's rules, raising :class:`~tracker.manage.problems.InvalidInput` for each
  field at fault, before anything is written;
- writes the record and its audit event (:mod:`tracker.audit`) in one transaction,
  and commits.

The rules live here, not in the forms, so every way in (the workspace, the command
line, an import) keeps them. By what each module owns:

- :mod:`~tracker.manage.records.common`: limits, the shared rules, the forms' choices;
- :mod:`~tracker.manage.records.engagements`: engagements;
- :mod:`~tracker.manage.records.issues`: the workspace's list of issues, issues and
  their lead partner;
- :mod:`~tracker.manage.records.moderation`: hiding an update;
- :mod:`~tracker.manage.records.reference_data`: partners, areas, themes, communities.
"""

from tracker.manage.problems import InvalidInput
from tracker.manage.records.common import (
    COUNT_MAX,
    DESCRIPTION_MAX,
    NAME_MAX,
    QUOTE_MAX,
    QUOTES_MAX,
    REASON_MAX,
    SLUG_MAX,
    SUMMARY_MAX,
    TITLE_MAX,
    URL_MAX,
    Choice,
    RecordChoices,
    area_choices,
    area_labels,
    partner_choices,
    record_choices,
    slug_of,
    unique_slug,
    web_address_problem,
)
from tracker.manage.records.engagements import (
    EngagementDetails,
    change_engagement,
    create_engagement,
    find_engagement,
)
from tracker.manage.records.issues import (
    IssueDetails,
    IssueSearch,
    change_issue,
    change_lead_partner,
    create_issue,
    find_issue,
    quotes_from_text,
    workspace_issues,
)
from tracker.manage.records.moderation import (
    AlreadyHidden,
    HiddenUpdate,
    HidingConflict,
    find_update,
    hide_update,
    reports_quoting,
)
from tracker.manage.records.reference_data import (
    REFERENCE_KINDS,
    ReferenceDetails,
    ReferenceKind,
    change_reference_record,
    create_reference_record,
    find_reference_record,
    reference_counts,
    reference_kind,
    reference_records,
)

__all__ = [
    "COUNT_MAX",
    "DESCRIPTION_MAX",
    "NAME_MAX",
    "QUOTES_MAX",
    "QUOTE_MAX",
    "REASON_MAX",
    "REFERENCE_KINDS",
    "SLUG_MAX",
    "SUMMARY_MAX",
    "TITLE_MAX",
    "URL_MAX",
    "AlreadyHidden",
    "Choice",
    "EngagementDetails",
    "HiddenUpdate",
    "HidingConflict",
    "InvalidInput",
    "IssueDetails",
    "IssueSearch",
    "RecordChoices",
    "ReferenceDetails",
    "ReferenceKind",
    "area_choices",
    "area_labels",
    "change_engagement",
    "change_issue",
    "change_lead_partner",
    "change_reference_record",
    "create_engagement",
    "create_issue",
    "create_reference_record",
    "find_engagement",
    "find_issue",
    "find_reference_record",
    "find_update",
    "hide_update",
    "partner_choices",
    "quotes_from_text",
    "record_choices",
    "reference_counts",
    "reference_kind",
    "reference_records",
    "reports_quoting",
    "slug_of",
    "unique_slug",
    "web_address_problem",
    "workspace_issues",
]
