"""Workspace pages for board reports and the scheduler's run log."""

from __future__ import annotations
