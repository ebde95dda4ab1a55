"""Links from a board report to the public site: every figure and record in the
report links to the page or list that shows it, as at the day it was made."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

# --- Links to the public site -------------------------------------------------------


@dataclass(frozen=True)
class PublicLinks:
    """Absolute addresses of the public pages and lists (PRODUCT.md: stable addresses).

    ``scope`` is the query that narrows a list to the report's partner, so a figure
    in a partner's report links to that partner's list.
    """

    base: str
    scope: dict[str, str] = field(default_factory=dict)

    def url(self, path: str, query: dict[str, str] | None = None) -> str:
        wanted = {name: value for name, value in (query or {}).items() if value}
        return f"{self.base}{path}" + (f"?{urlencode(wanted)}" if wanted else "")

    def commitments(self, status: str | None = None, **query: str) -> str:
        """``/we-will``, within the report's scope, filtered by ``status``."""
        return self.url("/we-will", {"status": status or "", **self.scope, **query})

    def issues(self, **query: str) -> str:
        """``/you-said``, within the report's scope."""
        return self.url("/you-said", {**query, **self.scope})

    def issues_raised(self, first: date, last: date) -> str:
        """``/you-said`` for the issues raised from ``first`` to ``last``, within the scope."""
        return self.issues(raised_from=first.isoformat(), raised_to=last.isoformat())

    def commitments_made(self, first: date, last: date) -> str:
        """``/we-will`` for the commitments made from ``first`` to ``last``, within the scope."""
        return self.url(
            "/we-will", {"made_from": first.isoformat(), "made_to": last.isoformat(), **self.scope}
        )

    def commitments_delivered(self, first: date, last: date) -> str:
        """``/we-will`` for the commitments delivered from ``first`` to ``last``, within
        the scope."""
        return self.url(
            "/we-will",
            {"delivered_from": first.isoformat(), "delivered_to": last.isoformat(), **self.scope},
        )

    def commitment(self, reference: str) -> str:
        return self.url(f"/we-will/{reference}")

    def issue(self, reference: str) -> str:
        return self.url(f"/you-said/{reference}")

    def engagement(self, reference: str) -> str:
        return self.url(f"/engagements/{reference}")

    def partner(self, slug: str) -> str:
        return self.url(f"/partners/{slug}")

    def community(self, slug: str) -> str:
        return self.url(f"/communities/{slug}")

    def scorecard(self, partner_slug: str | None) -> str:
        """The page with the scorecard the report's figures come from."""
        return self.partner(partner_slug) if partner_slug else self.url("/")

    def partner_commitments(self, slug: str, status: str | None = None) -> str:
        return self.url("/we-will", {"status": status or "", "partner": slug})

    def partner_issues(self, slug: str, state: str | None = None) -> str:
        return self.url("/you-said", {"state": state or "", "partner": slug})


@dataclass(frozen=True)
class Count:
    """A number in a table, with the public list it counts."""

    value: int | str
    url: str | None = None
