#!/usr/bin/env bash
# The dispatcher's board (crm_sfa_ext): dragging one visit with 1,000 visits in the week (the
# move with its checks and write, and the reload of the lanes). Prints figures; asserts
# nothing. Not part of the test command.
#
#   bash tests/bench/field_service_board_run.sh
#   BENCH_KEEP=1 keeps the Odoo database (crm_suite_bench_fieldservice_board, or BENCH_DB) for
#   another run.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=setup/lib.sh
source "$here/../../setup/lib.sh"
crm_prepare
crm_ensure_template
db=${BENCH_DB:-crm_suite_bench_fieldservice_board}
crm_bench_db "$db" crm_sfa_ext --without-demo=all
FS_BENCH_DIR=$here crm_odoo shell -d "$db" --no-http --log-level=warn <"$here/field_service_board_odoo.py"
[ "${BENCH_KEEP:-0}" = 1 ] || crm_drop_db "$db"
