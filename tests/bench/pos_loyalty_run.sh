#!/usr/bin/env bash
# Benchmark of pos_crm_loyalty. Prints figures; asserts nothing. Not part of the test command.
#
#   bash tests/bench/pos_loyalty_run.sh              quick: 150 orders per side
#   BENCH_SIZE=full bash tests/bench/pos_loyalty_run.sh   400 orders per side
#   BENCH_KEEP=1 keeps the database (crm_suite_bench_pos_loyalty_<size>)
#
# bench_pos_loyalty.py: point-of-sale orders earning points, synced as the till does,
#     through the points ledger (pos_crm_loyalty) against plain pos_loyalty, in the same
#     run, alternating: time and queries per order and their ratio.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=setup/lib.sh
source "$here/../../setup/lib.sh"
crm_prepare
crm_ensure_template
size=${BENCH_SIZE:-quick}
db=crm_suite_bench_pos_loyalty_$size
crm_bench_db "$db" pos_crm_loyalty
BENCH_DIR=$here BENCH_SIZE=$size crm_odoo shell -d "$db" --no-http --log-level=warn \
    <"$here/bench_pos_loyalty.py"
[ "${BENCH_KEEP:-0}" = 1 ] || crm_drop_db "$db"
