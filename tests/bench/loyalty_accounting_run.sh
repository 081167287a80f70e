#!/usr/bin/env bash
# Benchmark of crm_loyalty's points accounting. Prints figures; asserts nothing. Not part of
# the test command.
#
#   bash tests/bench/loyalty_accounting_run.sh        100,000 ledger lines of one day
#   BENCH_LINES=1000000 bash tests/bench/loyalty_accounting_run.sh
#   BENCH_KEEP=1 keeps the database (crm_suite_bench_loyalty_accounting)
#
# bench_loyalty_accounting.py: the day's journal entries posted (one per programme and
# day) and the reconciliation: seconds, statements, entries, difference (0).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=setup/lib.sh
source "$here/../../setup/lib.sh"
crm_prepare
crm_ensure_template
db=crm_suite_bench_loyalty_accounting
crm_bench_db "$db" crm_loyalty
crm_odoo shell -d "$db" --no-http --log-level=warn <"$here/bench_loyalty_accounting.py"
[ "${BENCH_KEEP:-0}" = 1 ] || crm_drop_db "$db"
