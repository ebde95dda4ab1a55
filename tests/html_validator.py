"""The Nu HTML Checker (vnu.jar from the vnu-jar npm package), run on rendered pages.

Starting the checker's JVM and warming it up takes several seconds, far longer than
checking a page, so one checker serves the whole test run: it is started as a web
service on loopback in the background when the run begins (tests/conftest.py does
this when any collected test module uses :func:`check_html`), every page of every
test is sent to it, and it is stopped when the run ends. Each test still gets its
own pages' errors back at once, so a failure names the test and the page.
"""

from __future__ import annotations

import atexit
import json
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VNU_JAR = PROJECT_ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
#: How long the checker may take to start on a busy machine.
START_TIMEOUT_SECONDS = 300
#: How long one page may take to check.
CHECK_TIMEOUT_SECONDS = 120
#: A run sends the checker too few pages for the JVM's optimising compiler to pay for
#: itself: the quick compiler alone and one garbage-collector thread halve the
#: processor time it takes to start and to check pages. Its schema loading
#: recurses deeply, and the quick compiler's frames are larger, hence the bigger stack.
JAVA_OPTIONS = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss16m"]


class CheckerMissing(RuntimeError):
    """Java or vnu.jar is not installed; `make test-deps` installs them."""


@dataclass(frozen=True)
class HtmlError:
    line: int | None
    message: str
    extract: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message} [{self.extract.strip()}]"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class NuChecker:
    """One checker process, serving on a free loopback port, for the whole run."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._url = ""
        self._ready = False

    def start(self) -> None:
        """Start the checker in the background; :meth:`check` waits until it answers."""
        with self._lock:
            if self._process is not None:
                return
            java = shutil.which("java")
            if java is None or not VNU_JAR.exists():
                raise CheckerMissing(
                    "The Nu HTML Checker needs Java and node_modules: run `make test-deps`."
                )
            port = _free_port()
            self._url = f"http://127.0.0.1:{port}/"
            self._process = subprocess.Popen(  # noqa: S603 - our own fixed command
                [
                    java,
                    *JAVA_OPTIONS,
                    "-Dnu.validator.servlet.bind-address=127.0.0.1",
                    "-cp",
                    str(VNU_JAR),
                    "nu.validator.servlet.Main",
                    str(port),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            atexit.register(self.stop)

    def stop(self) -> None:
        with self._lock:
            if self._process is not None:
                self._process.terminate()
                try:
                    self._process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self._process.kill()
                    self._process.wait()
            self._process = None
            self._ready = False

    def _wait_until_ready(self) -> None:
        if self._ready:
            return
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            assert self._process is not None
            if self._process.poll() is not None:
                raise AssertionError(
                    f"The HTML checker stopped on start (exit status {self._process.returncode})."
                )
            try:
                with urllib.request.urlopen(self._url, timeout=5):  # noqa: S310 - loopback
                    self._ready = True
                    return
            except OSError:
                time.sleep(0.2)
        raise AssertionError(f"The HTML checker did not start in {START_TIMEOUT_SECONDS} s.")

    def check(self, html: str) -> list[HtmlError]:
        """The errors in one HTML document (warnings are ignored)."""
        self.start()
        self._wait_until_ready()
        request = urllib.request.Request(  # noqa: S310 - loopback
            self._url + "?out=json",
            data=html.encode("utf-8"),
            headers={"Content-Type": "text/html; charset=utf-8"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=CHECK_TIMEOUT_SECONDS) as response:  # noqa: S310
            report = json.loads(response.read().decode("utf-8"))
        errors = []
        for message in report["messages"]:
            if message.get("type") == "non-document-error":
                raise AssertionError(f"The HTML checker failed: {message}")
            if message.get("type") == "error":
                errors.append(
                    HtmlError(
                        line=message.get("lastLine"),
                        message=message.get("message", ""),
                        extract=message.get("extract", ""),
                    )
                )
        return errors


#: The run's one checker.
checker = NuChecker()


def check_html(pages: dict[str, str]) -> dict[str, list[HtmlError]]:
    """Validate each named HTML document; returns the errors found in each (warnings ignored)."""
    return {name: checker.check(html) for name, html in pages.items()}


def describe(errors: dict[str, list[HtmlError]]) -> str:
    """A readable summary of every page's errors, for an assertion message."""
    return "\n".join(
        f"{name}:\n" + "\n".join(f"  {error}" for error in page_errors)
        for name, page_errors in errors.items()
        if page_errors
    )
