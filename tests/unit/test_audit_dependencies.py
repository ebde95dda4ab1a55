"""The dependency audit fails on a known vulnerability and never passes off a skipped audit."""

from tests.audit_dependencies import verdict


def test_a_known_vulnerability_fails_the_audit_and_names_the_fix():
    report = {
        "dependencies": [
            {"name": "flask", "version": "3.1.3", "vulns": []},
            {
                "name": "jinja2",
                "version": "3.1.0",
                "vulns": [{"id": "GHSA-h5c8-rqwp-cp95", "fix_versions": ["3.1.3"]}],
            },
        ],
        "fixes": [],
    }
    code, lines = verdict(report)
    assert code == 1
    assert "jinja2 3.1.0: GHSA-h5c8-rqwp-cp95 (fixed in 3.1.3)" in lines


def test_a_clean_audit_passes_and_says_how_many_were_checked():
    report = {"dependencies": [{"name": "flask", "version": "3.1.3", "vulns": []}], "fixes": []}
    code, lines = verdict(report)
    assert code == 0
    assert lines[-1] == "Audited 1 locked packages: no known vulnerabilities."


def test_an_unreachable_database_is_said_loudly_not_passed_off_as_clean():
    report = {
        "dependencies": [{"name": "flask", "skip_reason": "Dependency not found on PyPI"}],
        "fixes": [],
    }
    code, lines = verdict(report)
    assert code == 0
    assert any("could not be reached" in line for line in lines)
    assert not any("no known vulnerabilities" in line for line in lines)
