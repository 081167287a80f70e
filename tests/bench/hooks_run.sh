#!/usr/bin/env bash
# What the suite's hooks on sales cost: confirms BENCH_ORDERS orders (default 1,000) and
# posts their invoices, one by one, in a database with Odoo's modules only and in one with
# the suite's four addons installed, turn by turn in one process. Prints figures; asserts
# nothing. Not part of the test command.
#
#   bash tests/bench/hooks_run.sh
#   BENCH_ORDERS=200 BENCH_ROUNDS=2 bash tests/bench/hooks_run.sh   a quicker look
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=setup/lib.sh
source "$here/../../setup/lib.sh"
crm_prepare
crm_ensure_template
without=crm_suite_bench_hooks_without
with=crm_suite_bench_hooks_with
trap 'crm_drop_db "$without"; crm_drop_db "$with"' EXIT
crm_drop_db "$without"
crm_drop_db "$with"
crm_copy_template "$without"
crm_copy_template "$with"
crm_odoo -d "$with" -i "${SUITE_ADDONS// /,}" --stop-after-init --no-http --log-level=warn
BENCH_WITHOUT=$without BENCH_WITH=$with crm_odoo shell -d "$without" --no-http \
    --log-level=warn <"$here/bench_hooks.py"
