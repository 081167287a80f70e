#!/usr/bin/env bash
# README's "test" command. Two parts, both by default:
#   odoo    on a throw-away copy of the template database, installs the four addons and runs
#           every addon's tests in real Odoo (odoo-bin --test-enable, browser tours included)
#   pytest  the suite-level tests under tests/ (setup scripts, install / uninstall of each addon
#           alone, the run command) and the plain unit tests of the addons' lib/ modules
# Ends with one line "N passed, N failed" and exits non-zero on any failed test, test error,
# install error or test module that could not load.
#
#   setup/test.sh [odoo|pytest] [-- extra pytest arguments]
#   CRM_SUITE_TEST_TAGS   Odoo --test-tags (default: every test of the four addons)
#   CRM_SUITE_KEEP_DB=1   keep the throw-away database for a look afterwards
#   CRM_SUITE_SERIAL=1    run the two parts one after the other (by default side by side;
#                         always one after the other with CRM_SUITE_TODAY)
#   CRM_SUITE_TODAY=YYYY-MM-DD
#                         run everything with the clock (Odoo's, the browser's, PostgreSQL's)
#                         set to that day, e.g. CRM_SUITE_TODAY=2028-02-29 bash setup/test.sh
set -uo pipefail
# shellcheck source=setup/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

parts=${1:-all}
[ $# -gt 0 ] && shift
[ "${1:-}" = "--" ] && shift

crm_prepare
crm_ensure_chromium
crm_ensure_template
crm_use_today_postgres
[ -z "${CRM_SUITE_TODAY:-}" ] || crm_say "The clock reads $CRM_SUITE_TODAY for this run"
mkdir -p "$CRM_SUITE_HOME/logs"

passed=0
failed=0
skipped=0
broken=0

run_odoo_tests() {
    local db=crm_suite_test_$$ log port tags summary n f e s
    log=$CRM_SUITE_HOME/logs/$db.log
    port=$("$VENV_PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    tags=${CRM_SUITE_TEST_TAGS:-/${SUITE_ADDONS// /,/}}
    crm_copy_template "$db"
    crm_say "Odoo tests on $db (tags $tags); full log: $log"
    crm_odoo -d "$db" -i "${SUITE_ADDONS// /,}" --test-enable --test-tags="$tags" \
        --stop-after-init --http-port="$port" --log-level=test 2>&1 |
        tee "$log" | grep -E --line-buffered ' (ERROR|CRITICAL|WARNING) |^(FAIL|ERROR):|Starting [A-Za-z]+\.test_' |
        sed 's/^[0-9-]* [0-9:,]* [0-9]* //'
    [ "${CRM_SUITE_KEEP_DB:-0}" = 1 ] || crm_drop_db "$db"

    summary=$(grep -E 'failed, [0-9]+ error\(s\) of [0-9]+ tests when loading database' "$log" | tail -1)
    if [ -z "$summary" ]; then
        crm_say "Odoo did not report a test result (install error?): see $log"
        broken=$((broken + 1))
        return
    fi
    read -r f e n < <(sed -E 's/.* ([0-9]+) failed, ([0-9]+) error\(s\) of ([0-9]+) tests.*/\1 \2 \3/' <<<"$summary")
    # a skipped test (a tour without its browser, say) did not pass
    s=$(grep -cE ' (odoo\.addons\.[a-z_.]+|[a-z_.]+\.tests\.[A-Za-z_.]+): skipped ' "$log")
    crm_say "Odoo: $n tests, $f failed, $e errors, $s skipped"
    passed=$((passed + n - f - e - s))
    skipped=$((skipped + s))
    failed=$((failed + f + e))
    # Errors outside a test (a module that failed to install, a test module that failed to
    # import, a broken view) are logged at ERROR or CRITICAL level without failing a test.
    if [ "$((f + e))" = 0 ] && grep -qE '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' "$log"; then
        crm_say "Odoo logged ERROR/CRITICAL lines outside any test: see $log"
        broken=$((broken + 1))
    fi
}

start_pytest() {
    pytest_out=$(mktemp)
    (cd "$SUITE_ROOT" && "$VENV_PY" -m pytest -p no:cacheprovider -ra tests "$@") >"$pytest_out" 2>&1 &
    pytest_pid=$!
}

finish_pytest() {
    local rc p f e s
    wait "$pytest_pid"
    rc=$?
    [ "${1:-}" = streamed ] || cat "$pytest_out"
    p=$(grep -oE '[0-9]+ passed' "$pytest_out" | tail -1 | cut -d' ' -f1)
    s=$(grep -oE '[0-9]+ skipped' "$pytest_out" | tail -1 | cut -d' ' -f1)
    skipped=$((skipped + ${s:-0}))
    f=$(grep -oE '[0-9]+ failed' "$pytest_out" | tail -1 | cut -d' ' -f1)
    e=$(grep -oE '[0-9]+ errors?' "$pytest_out" | tail -1 | cut -d' ' -f1)
    rm -f "$pytest_out"
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0} + ${e:-0}))
    if [ "$rc" != 0 ] && [ -z "$f$e" ]; then
        crm_say "pytest exited with $rc without failed tests (collection or usage error)"
        broken=$((broken + 1))
    fi
}

export VENV_PY TEMPLATE_DB ODOO_SRC CRM_SUITE_HOME CRM_SUITE_VENV
case "$parts" in
    odoo) run_odoo_tests ;;
    pytest)
        start_pytest "$@"
        tail -n +1 -f --pid="$pytest_pid" "$pytest_out"
        finish_pytest streamed
        ;;
    all)
        if [ -z "${CRM_SUITE_TODAY:-}" ] && [ "${CRM_SUITE_SERIAL:-0}" != 1 ]; then
            # Each part keeps about one core busy (one Odoo and its PostgreSQL at a time):
            # side by side they take the time of the longer one. pytest's output follows.
            crm_say "The suite-level tests (pytest) run beside the Odoo tests; their output follows them"
            start_pytest "$@"
            run_odoo_tests
            finish_pytest
        else
            run_odoo_tests
            start_pytest "$@"
            finish_pytest
        fi
        ;;
    *) crm_die "Unknown part '$parts'." "Use: setup/test.sh [odoo|pytest|all] [-- pytest arguments]" ;;
esac

echo
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ] && [ "$broken" = 0 ]
