"""The workspace's home and its commitment pages: dashboards, updates, commitments."""

from __future__ import annotations

from flask import render_template

from tracker.manage import auth, blueprint


@blueprint.route("/manage")
@auth.login_required
def workspace() -> str:
    """Signed-in staff of every role."""
    return render_template("manage/workspace.html")
