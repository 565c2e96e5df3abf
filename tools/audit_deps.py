"""`make audit-deps`: pip-audit over the locked dependencies (constraints.txt).

A known vulnerability fails; an advisory listed in .pip-audit-ignore (id and reason on one
line) is accepted. When the vulnerability service cannot be reached, the run says so and
passes: a network outage is not a finding.
"""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IGNORE_FILE = ROOT / ".pip-audit-ignore"
NETWORK_SIGNS = (
    "ConnectionError",
    "ConnectTimeout",
    "ReadTimeout",
    "Max retries exceeded",
    "Name or service not known",
    "Temporary failure in name resolution",
    "Network is unreachable",
    "Connection refused",
    "ServiceError",
)


def accepted_advisories(path: Path | None = None) -> list[str]:
    """Ids from the ignore file; an id without a reason is refused so each stays justified."""
    path = path or IGNORE_FILE
    ids = []
    if not path.exists():
        return ids
    for number, line in enumerate(path.read_text().splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        advisory, _, reason = line.partition(" ")
        if not reason.strip():
            sys.exit(f"{path.name}:{number}: {advisory} needs a reason after its id.")
        ids.append(advisory)
    return ids


def verdict(report: dict | None, returncode: int, stderr: str) -> tuple[int, list[str]]:
    """Exit code and lines to print for one pip-audit run (its JSON report, if it wrote one)."""
    deps = (report or {}).get("dependencies", [])
    findings = [(dep, vuln) for dep in deps for vuln in dep.get("vulns", [])]
    skipped = [dep for dep in deps if dep.get("skip_reason")]
    if findings:
        lines = [f"pip-audit: {len(findings)} known vulnerabilities:"]
        for dep, vuln in findings:
            fixes = ", ".join(vuln.get("fix_versions") or []) or "no fix yet"
            lines.append(f"  {dep['name']} {dep.get('version', '?')}: {vuln['id']} (fix: {fixes})")
        lines.append(f"Upgrade the pin, or accept a non-applicable one in {IGNORE_FILE.name}.")
        return 1, lines
    if report is None and any(sign in stderr for sign in NETWORK_SIGNS):
        last = stderr.strip().splitlines()[-1]
        return 0, ["pip-audit: NOT RUN, the vulnerability service could not be reached:", last]
    if report is None or returncode != 0:
        return returncode or 1, [stderr.strip() or "pip-audit failed without a report."]
    if skipped:
        # The service answered but knew nothing of these releases (a mirror without the
        # per-release JSON API answers 404): say so loudly rather than claim they are clean.
        return 0, [
            f"pip-audit: INCOMPLETE, {len(skipped)} of {len(deps)} packages not audited, e.g.",
            f"  {skipped[0]['skip_reason']}",
        ]
    return 0, [f"pip-audit: no known vulnerabilities in {len(deps)} packages."]


def main(requirements: Path = ROOT / "constraints.txt") -> int:
    command = [
        sys.executable, "-m", "pip_audit",
        "--requirement", str(requirements),
        # Every line is pinned: audit them as written, nothing is installed.
        "--no-deps", "--disable-pip", "--progress-spinner", "off", "--format", "json",
    ]  # fmt: skip
    for advisory in accepted_advisories():
        command += ["--ignore-vuln", advisory]
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    try:
        report = json.loads(result.stdout)
    except ValueError:
        report = None
    code, lines = verdict(report, result.returncode, result.stderr)
    print("\n".join(lines))
    return code


if __name__ == "__main__":
    sys.exit(main(*map(Path, sys.argv[1:2])))
