#!/usr/bin/env bash
# Field-service scheduling benchmarks (crm_sfa_ext). Print figures; assert nothing. Not part
# of the test command.
#
#   bash tests/bench/field_service_run.sh          all three:
#     (a) 1,000 visits, 50 technicians, a week: the solver alone, and VROOM against OR-Tools
#     (b) 4,000 visits, 50 technicians, 14 days: 5 regions in two chains side by side (the
#         default), with and without the customers' wishes, one solve of the whole period
#         without them (FS_BENCH_WHOLE=1: slow), and a day at a time
#     (c) case (a) through Odoo: read the visits and technicians, solve, write the plan
#   FS_BENCH=a|b|compare|odoo runs one part; BENCH_KEEP=1 keeps the Odoo database
#   (crm_suite_bench_fieldservice_a) for another run.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=setup/lib.sh
source "$here/../../setup/lib.sh"
crm_prepare
part=${FS_BENCH:-all}

if [ "$part" = all ] || [ "$part" = a ]; then
    "$VENV_PY" "$here/field_service_solver.py" a
fi
if [ "$part" = all ] || [ "$part" = compare ]; then
    "$VENV_PY" "$here/field_service_compare.py" a --seconds 60
fi
if [ "$part" = all ] || [ "$part" = b ]; then
    # the default (one region per 850 visits), then issue #20's comparison without the
    # customers' wishes (FS_BENCH_WHOLE=1 adds its reference, one solve of the whole period:
    # about 6 minutes on two idle cores), then a day at a time
    "$VENV_PY" "$here/field_service_solver.py" b --split 0 --regions 5 --workers 2
    "$VENV_PY" "$here/field_service_solver.py" b --split 0 --regions 5 --workers 2 --no-wishes
    if [ "${FS_BENCH_WHOLE:-0}" = 1 ]; then
        "$VENV_PY" "$here/field_service_solver.py" b --split 0 --no-wishes --level 0
    fi
    "$VENV_PY" "$here/field_service_solver.py" b --split 1
fi
if [ "$part" = all ] || [ "$part" = odoo ]; then
    crm_ensure_template
    db=crm_suite_bench_fieldservice_a
    crm_bench_db "$db" crm_sfa_ext --without-demo=all
    FS_BENCH_DIR=$here crm_odoo shell -d "$db" --no-http --log-level=warn <"$here/field_service_odoo.py"
    [ "${BENCH_KEEP:-0}" = 1 ] || crm_drop_db "$db"
fi
