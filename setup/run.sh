#!/usr/bin/env bash
# README's "run" command: a demo database with Odoo's demo data and the suite's four addons
# (created on the first run, reused after), served on http://localhost:$ODOO_PORT.
#
#   CRM_SUITE_DB   the demo database (default: crm_suite_demo)
#   ODOO_PORT      the HTTP port (default: 8069)
#   and the settings of setup/lib.sh (ODOO_SRC, CRM_SUITE_HOME, PG*).
set -euo pipefail
# shellcheck source=setup/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DB=${CRM_SUITE_DB:-crm_suite_demo}
PORT=${ODOO_PORT:-8069}
ADDONS=${SUITE_ADDONS// /,}

crm_prepare
mkdir -p "$CRM_SUITE_HOME/logs"
log=$CRM_SUITE_HOME/logs/$DB.log
stamp=$CRM_SUITE_HOME/$DB.addons-hash
current=$(cd "$SUITE_ROOT/addons" && find . -type f ! -name '*.pyc' -print0 | sort -z |
    xargs -0 sha256sum | sha256sum | cut -c1-16)

installed=0
if crm_db_exists "$DB"; then
    installed=$(crm_sql "$DB" addons="$ADDONS" <<<"SELECT count(*) FROM ir_module_module
        WHERE name = ANY(string_to_array(:'addons', ',')) AND state = 'installed'" 2>/dev/null ||
        echo 0)
fi
# every addon under addons/ (SUITE_ADDONS), not only the four of the design card
if [ "$installed" != "$(wc -w <<<"$SUITE_ADDONS")" ]; then
    crm_ensure_template
    crm_say "Creating the demo database $DB with the suite's addons (a minute or two)"
    crm_drop_db "$DB"
    crm_copy_template "$DB"
    crm_odoo -d "$DB" -i "$ADDONS" --stop-after-init --no-http --logfile="$log" ||
        crm_die "Installing the suite's addons into $DB failed." "See $log"
    echo "$current" >"$stamp"
elif [ "$(cat "$stamp" 2>/dev/null)" != "$current" ]; then
    crm_say "The addons changed since the last run; updating them in $DB"
    crm_odoo -d "$DB" -u "$ADDONS" --stop-after-init --no-http --logfile="$log" ||
        crm_die "Updating the suite's addons in $DB failed." "See $log"
    echo "$current" >"$stamp"
fi

crm_say "Starting Odoo on port $PORT (log: $log)"
crm_odoo -d "$DB" --db-filter="^${DB}\$" --http-port="$PORT" --logfile="$log" &
odoo_pid=$!
trap 'kill "$odoo_pid" 2>/dev/null; wait "$odoo_pid" 2>/dev/null' INT TERM EXIT
for _ in $(seq 1 120); do
    if ! kill -0 "$odoo_pid" 2>/dev/null; then
        crm_die "Odoo stopped while starting." "See $log"
    fi
    if "$VENV_PY" -c "import urllib.request, sys; urllib.request.urlopen(sys.argv[1], timeout=2)" \
        "http://localhost:$PORT/web/login" 2>/dev/null; then
        printf '\nOdoo is up: http://localhost:%s\nLog in as admin, password admin (database %s).\nStop it with Ctrl+C.\n\n' \
            "$PORT" "$DB"
        break
    fi
    sleep 1
done
wait "$odoo_pid"
