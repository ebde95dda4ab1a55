"""The Nu HTML Checker (vnu.jar from the vnu-jar npm package), run on rendered pages.

Starting the checker's JVM takes a couple of seconds, so callers hand over every
page they want checked at once and get each page's errors back.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VNU_JAR = PROJECT_ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


class CheckerMissing(RuntimeError):
    """Java or vnu.jar is not installed; `make test-deps` installs them."""


@dataclass(frozen=True)
class HtmlError:
    line: int | None
    message: str
    extract: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message} [{self.extract.strip()}]"


def check_html(pages: dict[str, str]) -> dict[str, list[HtmlError]]:
    """Validate each named HTML document; returns the errors found in each (warnings ignored)."""
    java = shutil.which("java")
    if java is None or not VNU_JAR.exists():
        raise CheckerMissing(
            "The Nu HTML Checker needs Java and node_modules: run `make test-deps`."
        )
    results: dict[str, list[HtmlError]] = {name: [] for name in pages}
    with tempfile.TemporaryDirectory() as folder:
        files: dict[str, str] = {}  # file name -> page name
        for index, (name, html) in enumerate(pages.items()):
            path = Path(folder) / f"page{index}.html"
            path.write_text(html, encoding="utf-8")
            files[path.name] = name
        paths = [str(Path(folder) / file_name) for file_name in files]
        completed = subprocess.run(
            [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *paths],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    # vnu writes its JSON report to standard error; exit status 1 just means "errors found".
    report = json.loads(completed.stderr or '{"messages": []}')
    for message in report["messages"]:
        name = files.get(message.get("url", "").rpartition("/")[2])
        if name is None:
            raise AssertionError(f"The HTML checker failed: {message}")
        if message.get("type") == "error":
            results[name].append(
                HtmlError(
                    line=message.get("lastLine"),
                    message=message.get("message", ""),
                    extract=message.get("extract", ""),
                )
            )
    return results


def describe(errors: dict[str, list[HtmlError]]) -> str:
    """A readable summary of every page's errors, for an assertion message."""
    return "\n".join(
        f"{name}:\n" + "\n".join(f"  {error}" for error in page_errors)
        for name, page_errors in errors.items()
        if page_errors
    )
