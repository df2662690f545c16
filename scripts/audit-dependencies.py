"""Known vulnerabilities in the installed dependencies (SECURITY.md, item 30).

pip-audit asks PyPI's vulnerability data for every installed package. A vulnerability found
fails (exit 1). Only when the service cannot be reached (every package skipped, or no answer at
all) does it warn and exit 0, because then it has checked nothing: these machines reach the
package registries, not always the vulnerability service.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

BIN = Path(sys.executable).parent


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        lock, report = Path(tmp) / "lock.txt", Path(tmp) / "audit.json"
        frozen = subprocess.run(
            [BIN / "pip", "freeze", "--exclude-editable"], capture_output=True, text=True
        )
        lock.write_text(frozen.stdout)
        audit = subprocess.run(
            [
                *(BIN / "pip-audit", "--progress-spinner", "off", "--disable-pip", "--no-deps"),
                *("-r", lock, "-f", "json", "-o", report),
            ],
            capture_output=True,
            text=True,
        )
        if not report.is_file() or not report.read_text().strip():
            tail = audit.stderr.strip().splitlines()[-1:]
            print("pip-audit: WAARSCHUWING, geen antwoord van de kwetsbaarheidsdienst:", *tail)
            return 0
        deps = json.loads(report.read_text())["dependencies"]
    vulnerable = [d for d in deps if d.get("vulns")]
    skipped = [d for d in deps if "skip_reason" in d]
    for d in vulnerable:
        ids = ", ".join(v["id"] for v in d["vulns"])
        print(f"pip-audit: {d['name']} {d['version']} heeft bekende kwetsbaarheden: {ids}")
    if vulnerable:
        return 1
    if skipped and len(skipped) == len(deps):
        print(
            "pip-audit: WAARSCHUWING, niets gecontroleerd: de dienst is hier niet bereikbaar "
            f"({len(deps)} pakketten overgeslagen)"
        )
    else:
        print(
            f"pip-audit: {len(deps) - len(skipped)} pakketten gecontroleerd, geen bekende "
            f"kwetsbaarheden; {len(skipped)} overgeslagen"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
