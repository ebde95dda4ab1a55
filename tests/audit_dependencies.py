"""Check every locked dependency against the Python vulnerability database.

``make lint`` runs ``python -m tests.audit_dependencies REQUIREMENTS``, where
REQUIREMENTS is the lock file exported with hashes (``uv export``). It fails when
pip-audit finds a known vulnerability in any locked version. Where the vulnerability
database cannot be reached (a machine that only sees a package mirror), pip-audit
skips every package; that is said loudly rather than passed off as a clean audit.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

BANNER = "!" * 72


def audit(requirements: Path) -> int:
    result = subprocess.run(  # noqa: S603 - our own tool, with a path we made
        [
            sys.executable,
            "-m",
            "pip_audit",
            "--requirement",
            str(requirements),
            "--require-hashes",
            "--disable-pip",
            "--format",
            "json",
            "--progress-spinner",
            "off",
            "--timeout",
            "15",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        print(result.stderr or result.stdout, file=sys.stderr)
        print("pip-audit did not produce a report; see its message above.", file=sys.stderr)
        return 1
    code, lines = verdict(report)
    print("\n".join(lines), file=sys.stderr if code else sys.stdout)
    return code


def verdict(report: dict[str, Any]) -> tuple[int, list[str]]:
    """The exit code and message for a pip-audit JSON report."""
    dependencies = report["dependencies"]
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if "skip_reason" in d]
    if vulnerable:
        lines = [
            f"{d['name']} {d['version']}: {vuln['id']} "
            f"(fixed in {', '.join(vuln.get('fix_versions', [])) or 'no release yet'})"
            for d in vulnerable
            for vuln in d["vulns"]
        ]
        lines.append(
            f"{len(vulnerable)} locked package(s) have known vulnerabilities: raise them in "
            "pyproject.toml or with `uv lock --upgrade-package NAME`."
        )
        return 1, lines
    if dependencies and len(skipped) == len(dependencies):
        return 0, [
            BANNER,
            "!! The vulnerability database could not be reached from this machine:",
            "!! no locked package was audited. Run `make audit` where PyPI's JSON API",
            "!! is reachable to audit the lock file.",
            BANNER,
        ]
    lines = [f"Not audited: {d['skip_reason']}" for d in skipped]
    lines.append(
        f"Audited {len(dependencies) - len(skipped)} locked packages: no known vulnerabilities."
    )
    return 0, lines


if __name__ == "__main__":
    sys.exit(audit(Path(sys.argv[1])))
