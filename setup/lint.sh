#!/usr/bin/env bash
# The lint checks CI runs: ruff (lint + format), pylint-odoo's mandatory checks on the addons,
# and ShellCheck on the shell scripts. Exits non-zero on any finding.
set -uo pipefail
# shellcheck source=setup/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
crm_find_odoo
crm_ensure_venv
bin=$(dirname "$VENV_PY")
status=0
cd "$SUITE_ROOT" || exit 1
echo "== ruff check" && "$bin/ruff" check . || status=1
echo "== ruff format --check" && "$bin/ruff" format --check . || status=1
echo "== pylint-odoo" && "$bin/pylint" --rcfile=.pylintrc addons/* || status=1
if ! command -v shellcheck >/dev/null; then crm_apt_install shellcheck || true; fi
if command -v shellcheck >/dev/null; then
    echo "== shellcheck" && shellcheck -x setup/*.sh tests/bench/*.sh .ci/run || status=1
else
    crm_say "shellcheck is not installed; skipping the shell checks (apt-get install shellcheck)"
fi
[ "$status" = 0 ] && echo "lint: clean"
exit "$status"
