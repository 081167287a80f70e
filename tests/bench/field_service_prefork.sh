#!/usr/bin/env bash
# Field-service plan in prefork mode (crm_sfa_ext): Odoo as production runs it, with
# --workers, where the cron worker is killed after limit_time_cpu / limit_time_real_cron.
# Loads case (a) or (b) (FS_BENCH_CASE, default b) into a bench database (through
# field_service_odoo.py, which also times the plan in a shell), queues a plan of the whole
# period, starts Odoo with two workers and one cron worker under the given limits (Odoo's
# defaults: limit_time_cpu 60 s, limit_time_real_cron 120 s), and prints how long the plan
# took, in how many cron steps, and how it ended (done, or failed / still queued when the
# worker was killed). Prints figures; asserts nothing.
#
#   FS_BENCH_CASE=b bash tests/bench/field_service_prefork.sh
#   FS_BENCH_CASE=b FS_LIMIT_CPU=600 FS_LIMIT_REAL=900 bash tests/bench/field_service_prefork.sh
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=setup/lib.sh
source "$here/../../setup/lib.sh"
crm_prepare
crm_ensure_template
case=${FS_BENCH_CASE:-b}
cpu=${FS_LIMIT_CPU:-60}
real=${FS_LIMIT_REAL:-120}
give_up=${FS_BENCH_MAX:-1800}
port=${FS_BENCH_PORT:-18069}
db=crm_suite_bench_fieldservice_$case
crm_bench_db "$db" crm_sfa_ext --without-demo=all
FS_BENCH_DIR=$here FS_BENCH_CASE=$case FS_BENCH_QUEUE=1 \
    crm_odoo shell -d "$db" --no-http --log-level=warn <"$here/field_service_odoo.py"
started=$(date +%s)
crm_odoo -d "$db" --workers=2 --max-cron-threads=1 --http-port="$port" \
    --limit-time-cpu="$cpu" --limit-time-real="$real" --limit-time-real-cron="$real" \
    --log-level=warn >"/tmp/fs_prefork_$$.log" 2>&1 &
server=$!
stop_server() {
    # crm_odoo is a shell function: $server is the subshell, Odoo's master its child (which
    # stops its workers when it ends)
    pkill -TERM -P "$server" 2>/dev/null || true
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
}
trap stop_server EXIT
state=queued
while [ "$state" = queued ] || [ "$state" = running ]; do
    sleep 5
    state=$(crm_sql "$db" <<<"SELECT state FROM crm_service_plan ORDER BY id DESC LIMIT 1")
    [ $(($(date +%s) - started)) -gt "$give_up" ] && break
done
figures=$(crm_sql "$db" <<<"SELECT planned_count, unplanned_count, round(travel_hours::numeric, 1),
    round(lateness_hours::numeric, 1), round(run_seconds::numeric, 1),
    coalesce(substring(message from 'Solved in ([0-9]+) steps'), '1')
    FROM crm_service_plan ORDER BY id DESC LIMIT 1")
echo "prefork plan, case ($case), limit_time_cpu $cpu s, limit_time_real(_cron) $real s:" \
    "state $state after $(($(date +%s) - started)) s; planned | unplanned | travel h |" \
    "lateness h | run s (sum of the steps) | steps: $figures"
grep -E "killed|Timeout|CPU time limit" "/tmp/fs_prefork_$$.log" || true
rm -f "/tmp/fs_prefork_$$.log"
# the server goes before its database (dropdb fails while it is connected)
stop_server
[ "${BENCH_KEEP:-0}" = 1 ] || crm_drop_db "$db"
