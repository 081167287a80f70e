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
crm_copy_template "$db"
trap 'crm_drop_db "$db"' EXIT
crm_odoo -d "$db" -i "${SUITE_ADDONS// /,}" --stop-after-init --no-http --log-level=warn
for addon in $SUITE_ADDONS; do
    pot=$SUITE_ROOT/addons/$addon/i18n/$addon.pot
    mkdir -p "$(dirname "$pot")"
    previous=$(cat "$pot" 2>/dev/null || true)
    crm_odoo -d "$db" --i18n-export="$pot" --modules="$addon" --stop-after-init --no-http \
        --log-level=warn
    # keep the file as it was when only its dates changed (no churn in version control)
    if [ "$(grep -v -- '-Date: ' "$pot")" = "$(grep -v -- '-Date: ' <<<"$previous")" ]; then
        printf '%s\n' "$previous" >"$pot"
    fi
done
# shellcheck disable=SC2086  # one argument per addon
"$VENV_PY" "$SUITE_ROOT/setup/i18n_merge.py" "$SUITE_ROOT/addons" $SUITE_ADDONS
