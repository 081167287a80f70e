#!/usr/bin/env bash
# What the suite's hooks on sales cost: confirms BENCH_ORDERS orders (default 1,000) and
# posts their invoices, one by one, in a database with Odoo's modules only and in four more
# with the suite's addons added one at a time in their dependency order (crm_identification,
# + crm_loyalty, + crm_complaints, + crm_sfa_ext), turn by turn in one process, so that each
# addon's share is the step from the database before it. Prints figures; asserts nothing.
# Not part of the test command.
#
#   bash tests/bench/hooks_run.sh
#   BENCH_ORDERS=200 BENCH_ROUNDS=2 bash tests/bench/hooks_run.sh   a quicker look
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=setup/lib.sh
source "$here/../../setup/lib.sh"
crm_prepare
crm_ensure_template
dbs=(crm_suite_bench_hooks_without)
for addon in $SUITE_ADDONS; do dbs+=("crm_suite_bench_hooks_$addon"); done
trap 'for db in "${dbs[@]}"; do crm_drop_db "$db"; done' EXIT
for db in "${dbs[@]}"; do
    crm_drop_db "$db"
    crm_copy_template "$db"
done
installed=()
for addon in $SUITE_ADDONS; do
    installed+=("$addon")
    crm_odoo -d "crm_suite_bench_hooks_$addon" -i "$(IFS=,; echo "${installed[*]}")" \
        --stop-after-init --no-http --log-level=warn
done
BENCH_DATABASES="${dbs[*]}" crm_odoo shell -d "${dbs[0]}" --no-http \
    --log-level=warn <"$here/bench_hooks.py"
