"""make audit-deps: a known vulnerability fails, an outage does not, accepted ids need a reason."""

import importlib.util
import json
import subprocess
from pathlib import Path

import pytest

spec = importlib.util.spec_from_file_location(
    "audit_deps", Path(__file__).resolve().parent.parent / "tools" / "audit_deps.py"
)
audit_deps = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audit_deps)

VULNERABLE = {
    "dependencies": [
        {
            "name": "django",
            "version": "5.2.0",
            "vulns": [{"id": "PYSEC-1", "fix_versions": ["5.2.1"]}],
        },
        {"name": "celery", "version": "5.7.0", "vulns": []},
    ]
}


def test_a_known_vulnerability_fails():
    code, lines = audit_deps.verdict(VULNERABLE, 1, "")
    assert code == 1 and "django 5.2.0: PYSEC-1 (fix: 5.2.1)" in "\n".join(lines)


def test_clean_report_passes():
    clean = {"dependencies": [{"name": "celery", "version": "5.7.0", "vulns": []}]}
    assert audit_deps.verdict(clean, 0, "") == (
        0,
        ["pip-audit: no known vulnerabilities in 1 packages."],
    )


def test_an_unreachable_service_is_reported_and_does_not_fail():
    stderr = "Traceback...\nrequests.exceptions.ConnectionError: Max retries exceeded with url"
    code, lines = audit_deps.verdict(None, 1, stderr)
    assert code == 0 and "could not be reached" in lines[0]


def test_other_errors_fail():
    assert audit_deps.verdict(None, 2, "usage: bad option")[0] == 2


def test_unaudited_packages_are_reported_not_hidden():
    report = {"dependencies": [{"name": "amqp", "skip_reason": "Dependency not found on PyPI"}]}
    code, lines = audit_deps.verdict(report, 0, "")
    assert code == 0 and lines[0].startswith("pip-audit: INCOMPLETE, 1 of 1")


def test_accepted_advisories_reach_pip_audit(tmp_path, monkeypatch, capsys):
    ignore = tmp_path / ".pip-audit-ignore"
    ignore.write_text("# reviewed\nGHSA-xxxx-yyyy-zzzz only affects the unused MySQL backend\n")
    monkeypatch.setattr(audit_deps, "IGNORE_FILE", ignore)
    seen = {}

    def fake_run(command, **kwargs):
        seen["command"] = command
        return subprocess.CompletedProcess(command, 1, json.dumps(VULNERABLE), "")

    monkeypatch.setattr(audit_deps.subprocess, "run", fake_run)
    assert audit_deps.main() == 1
    assert seen["command"][-2:] == ["--ignore-vuln", "GHSA-xxxx-yyyy-zzzz"]
    assert "PYSEC-1" in capsys.readouterr().out


def test_an_advisory_without_a_reason_is_refused(tmp_path):
    ignore = tmp_path / ".pip-audit-ignore"
    ignore.write_text("PYSEC-2024-1\n")
    with pytest.raises(SystemExit, match="needs a reason"):
        audit_deps.accepted_advisories(ignore)
