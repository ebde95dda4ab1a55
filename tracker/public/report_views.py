"""The public list of published board reports and their PDFs."""

from __future__ import annotations
