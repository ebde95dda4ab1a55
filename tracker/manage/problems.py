"""The one exception for input that breaks a rule, raised by every write in the workspace.

A service checks every rule before it writes anything, and raises :class:`InvalidInput`
with a message for each field at fault; the view hands the messages to the form, which
shows them in the NHS error summary and beside each field (``TrackerForm.add_problems``).
"""

from __future__ import annotations

from collections.abc import Mapping

from tracker.errors import TrackerError


class InvalidInput(TrackerError):
    """Fields that break a rule; ``problems`` maps each form field's name to what to fix."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        super().__init__(" ".join(problems.values()))
        self.problems = dict(problems)
