#!/usr/bin/env bash
# Benchmark of the managers' dashboards and the CRM scorecard on generated data: the
# customers and sales of bench_refresh.py (refreshed once), then the server time of each
# dashboard's data requests and of the scorecard's month and 24-month backfill. Prints
# figures; asserts nothing. Not part of the test command.
#
#   bash tests/bench/dashboards_run.sh                   100,000 customers, 1,000,000 lines
#   BENCH_SIZE=quick bash tests/bench/dashboards_run.sh  10,000 customers, 100,000 lines
#   BENCH_KEEP=1 keeps the database (crm_suite_bench_dash_<size>) for another run.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=setup/lib.sh
source "$here/../../setup/lib.sh"
crm_prepare
crm_ensure_template
size=${BENCH_SIZE:-medium}
db=crm_suite_bench_dash_$size
crm_bench_db "$db" spreadsheet_dashboard_crm_sfa_ext --without-demo=all
BENCH_SIZE=$size crm_odoo shell -d "$db" --no-http --log-level=warn <"$here/bench_refresh.py"
BENCH_SIZE=$size crm_odoo shell -d "$db" --no-http --log-level=warn <"$here/bench_dashboards.py"
[ "${BENCH_KEEP:-0}" = 1 ] || crm_drop_db "$db"
