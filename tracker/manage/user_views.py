"""Routes of the workspace (see tracker/manage/__init__.py)."""

from __future__ import annotations
