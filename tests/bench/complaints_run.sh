#!/usr/bin/env bash
# Benchmarks of crm_complaints on generated data. Print figures; assert nothing. Not part
# of the test command.
#
#   bash tests/bench/complaints_run.sh           all: the mail gateway, the SLA cron, the
#                                                duplicate check's queries on intake
#   BENCH_PART=gateway|sla|duplicates             one of them
#   BENCH_EMAILS=200                              emails per round of the gateway benchmark
#   BENCH_COMPLAINTS=100000                       open complaints of the SLA benchmark
#   BENCH_KEEP=1                                  keeps the database crm_suite_bench_complaints
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=setup/lib.sh
source "$here/../../setup/lib.sh"
crm_prepare
crm_ensure_template
db=crm_suite_bench_complaints
part=${BENCH_PART:-all}
crm_bench_db "$db" crm_complaints
if [ "$part" = all ] || [ "$part" = gateway ]; then
    crm_odoo shell -d "$db" --no-http --log-level=warn <"$here/bench_complaints_gateway.py"
fi
if [ "$part" = all ] || [ "$part" = sla ]; then
    crm_odoo shell -d "$db" --no-http --log-level=warn <"$here/bench_complaints_sla.py"
fi
if [ "$part" = all ] || [ "$part" = duplicates ]; then
    crm_odoo shell -d "$db" --no-http --log-level=warn <"$here/bench_complaints_duplicates.py"
fi
[ "${BENCH_KEEP:-0}" = 1 ] || crm_drop_db "$db"
