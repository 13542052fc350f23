#!/usr/bin/env bash
# Static checks for infra/terraform: checkov, offline, in its own virtual environment.
#
# checkov pins an older `packaging` than the project uses, so it never goes into .venv: it
# lives in .tools/checkov-venv (git-ignored), created on first run and reused afterwards.
# Skipped checks are justified where they are skipped: inline `#checkov:skip=ID:reason`
# comments on the resource, and the list in infra/checkov-skips.txt for checks that do not
# apply to this platform at all. Exit status: 0 when no check fails, non-zero otherwise.
# Usage: infra/check.sh [directory]   (default: infra/terraform)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${CHECKOV_VENV:-$ROOT/.tools/checkov-venv}"
CHECKOV_VERSION="${CHECKOV_VERSION:-3.3.30}"
PYTHON="${PYTHON:-python3}"

if [[ ! -x "$VENV/bin/checkov" ]] || ! "$VENV/bin/checkov" --version 2>/dev/null | grep -qx "$CHECKOV_VERSION"; then
    echo "infra/check.sh: installing checkov $CHECKOV_VERSION into $VENV (once)" >&2
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "checkov==$CHECKOV_VERSION"
fi

# Global skips: one ID per line, then `#` and the justification (blank lines and comments ignored).
skips="$(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$ROOT/infra/checkov-skips.txt" | { grep -v "^$" || true; } | paste -sd, -)"

TARGET="${1:-$ROOT/infra/terraform}"
args=(-d "$TARGET" --framework terraform --skip-download --quiet --compact
      --download-external-modules false)
if [[ -n "$skips" ]]; then
    args+=(--skip-check "$skips")
fi

# A file checkov cannot parse would be skipped silently: the JSON report's summary counts them.
report="$(mktemp -d)"
trap 'rm -rf "$report"' EXIT
args+=(-o cli -o json --output-file-path "console,$report/results.json")

# BC_API_KEY unset and --skip-download keep checkov from calling home; no network needed.
status=0
env -u BC_API_KEY CHECKOV_RUN_SCA_PACKAGE_SCAN_V2=false "$VENV/bin/checkov" "${args[@]}" || status=$?

parse_errors="$("$VENV/bin/python" - "$report/results.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
runs = report if isinstance(report, list) else [report]
print(sum(run.get("summary", {}).get("parsing_errors", 0) for run in runs))
PY
)"
if [[ "$parse_errors" != "0" ]]; then
    echo "infra/check.sh: checkov could not parse $parse_errors file(s)" >&2
    exit 1
fi
exit "$status"
