#!/usr/bin/env bash
# Benchmark of crm_identification's full refresh on generated data. Prints figures; asserts
# nothing. Not part of the test command.
#
#   bash tests/bench/run.sh              quick: 10,000 customers, 100,000 order lines
#   BENCH_SIZE=medium bash tests/bench/run.sh 100,000 customers, 1,000,000 order lines
#   BENCH_SIZE=full bash tests/bench/run.sh   1,000,000 customers, 10,000,000 order lines
#   BENCH_KEEP=1 keeps the database (crm_suite_bench_<size>) for another run.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=setup/lib.sh
source "$here/../../setup/lib.sh"
crm_prepare
crm_ensure_template
size=${BENCH_SIZE:-quick}
db=crm_suite_bench_$size
crm_bench_db "$db" crm_identification
BENCH_SIZE=$size crm_odoo shell -d "$db" --no-http --log-level=warn <"$here/bench_refresh.py"
[ "${BENCH_KEEP:-0}" = 1 ] || crm_drop_db "$db"
