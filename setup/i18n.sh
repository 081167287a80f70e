#!/usr/bin/env bash
# Regenerates each addon's i18n/<addon>.pot from the code and data, and merges it into
# i18n/fa.po (keeping every existing translation; new terms come in untranslated).
# Then lists what is left to translate. Run it after changing user-facing strings.
set -euo pipefail
# shellcheck source=setup/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
crm_prepare
crm_ensure_template
db=crm_suite_i18n_$$
createdb -T "$TEMPLATE_DB" "$db"
trap 'dropdb --if-exists "$db" >/dev/null 2>&1' EXIT
crm_odoo -d "$db" -i "${SUITE_ADDONS// /,}" --stop-after-init --no-http --log-level=warn
for addon in $SUITE_ADDONS; do
    mkdir -p "$SUITE_ROOT/addons/$addon/i18n"
    crm_odoo -d "$db" --i18n-export="$SUITE_ROOT/addons/$addon/i18n/$addon.pot" \
        --modules="$addon" --stop-after-init --no-http --log-level=warn
done
"$VENV_PY" "$SUITE_ROOT/setup/i18n_merge.py" "$SUITE_ROOT/addons" $SUITE_ADDONS
