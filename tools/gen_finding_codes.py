"""Generate docs/finding-codes.md — the table of every finding code — from the one registry,
dtscore.findings.CODES. Run after changing a code:

    python3 tools/gen_finding_codes.py            # rewrite docs/finding-codes.md
    python3 tools/gen_finding_codes.py --check    # exit 1 if the file is out of date (the tests check it too)
"""

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dtscore.atomic import write_text_atomic  # noqa: E402
from dtscore.findings import SEVERITY_VN, codes_table  # noqa: E402

DOC = ROOT / "docs" / "finding-codes.md"


def render() -> str:
    severities = ", ".join(f"{k} = {v}" for k, v in SEVERITY_VN.items())
    return (
        "# Finding codes\n\n"
        "<!-- Generated from dtscore/findings.py by `python3 tools/gen_finding_codes.py`; do not edit by hand. -->\n\n"
        "Every finding — from scoring (`dtscore score`, the engine), workbook validation (`dtscore validate`, "
        "the button) and consolidation (`dtscore consolidate`, the “Phát hiện” sheet) — is a `dtscore.findings."
        "Finding` with one of these codes. It names the criterion (`key`) and, for a workbook, the `cell` and the "
        f"defined `name`. Severity ({severities}) is the code's unless a finding says otherwise.\n\n"
        + codes_table()
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
        if current != text:
            print(f"{DOC} is out of date: run python3 tools/gen_finding_codes.py", file=sys.stderr)
            return 1
        return 0
    write_text_atomic(DOC, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
