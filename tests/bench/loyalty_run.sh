#!/usr/bin/env bash
# Benchmarks of crm_loyalty. Print figures; assert nothing. Not part of the test command.
#
#   bash tests/bench/loyalty_run.sh             quick: 200 orders per side, 100,000 ledger
#                                               lines, 10,000 customers
#   BENCH_SIZE=full bash tests/bench/loyalty_run.sh   400 orders per side, 1,000,000 ledger
#                                               lines, 100,000 customers
#   BENCH_ONLY=confirm|bulk runs one of the two scripts
#   BENCH_KEEP=1 keeps the database (crm_suite_bench_loyalty_<size>)
#
# confirm (bench_loyalty_confirm.py): sales orders confirmed in a programme with tiers
#     and the points ledger against the same programme run by plain sale_loyalty, in the
#     same run, alternating: time and queries per order, for 1 and 20 lines and for a
#     card with few or many ledger lines.
# bulk (bench_loyalty_bulk.py): expiring the points of a generated ledger; issuing a
#     segment offer to every customer of a segment: seconds, statements, peak memory.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=setup/lib.sh
source "$here/../../setup/lib.sh"
crm_prepare
crm_ensure_template
size=${BENCH_SIZE:-quick}
only=${BENCH_ONLY:-all}
db=crm_suite_bench_loyalty_$size
crm_bench_db "$db" crm_loyalty
for script in confirm bulk; do
    if [ "$only" = all ] || [ "$only" = "$script" ]; then
        BENCH_DIR=$here BENCH_SIZE=$size crm_odoo shell -d "$db" --no-http --log-level=warn \
            <"$here/bench_loyalty_$script.py"
    fi
done
[ "${BENCH_KEEP:-0}" = 1 ] || crm_drop_db "$db"
