#!/usr/bin/env bash
# Benchmark of crm_sfa_ext: the forecast report and visit-plan generation on generated data.
# Prints figures; asserts nothing. Not part of the test command.
#
#   bash tests/bench/sfa_run.sh                   200 salespeople, 100,000 customers
#   BENCH_SIZE=quick bash tests/bench/sfa_run.sh  20 salespeople, 10,000 customers
#   BENCH_KEEP=1 keeps the database (crm_suite_bench_sfa_<size>) for another run.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=setup/lib.sh
source "$here/../../setup/lib.sh"
crm_prepare
crm_ensure_template
size=${BENCH_SIZE:-full}
db=crm_suite_bench_sfa_$size
crm_bench_db "$db" crm_sfa_ext
BENCH_SIZE=$size crm_odoo shell -d "$db" --no-http --log-level=warn <"$here/bench_sfa.py"
[ "${BENCH_KEEP:-0}" = 1 ] || crm_drop_db "$db"
