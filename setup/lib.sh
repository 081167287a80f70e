# shellcheck shell=bash
# Shared steps of the suite's setup scripts (run.sh, test.sh). Source it; do not run it.
#
# Everything the setup creates lives outside the repository, under CRM_SUITE_HOME
# (default ~/.crm-suite): the Odoo source when we have to clone it, the virtual
# environment, Odoo's data directory and the logs.
#
# Settings (environment variables):
#   ODOO_SRC          folder holding Odoo 18.0's source (the one with odoo-bin); remembered
#                     in $CRM_SUITE_HOME/odoo-src for the next command run without it;
#                     default: $CRM_SUITE_HOME/odoo-18.0, cloned there when empty
#   ODOO_REPO_URL     where to clone Odoo 18.0 from (default: Odoo's official repository)
#   CRM_SUITE_HOME    where the setup keeps its state (default: ~/.crm-suite)
#   CRM_SUITE_VENV    the virtual environment (default: $CRM_SUITE_HOME/venv)
#   CRM_SUITE_PYTHON  the Python that creates it (default: python3; 3.10 to 3.12)
#   PGHOST, PGPORT, PGUSER, PGPASSWORD
#                     a PostgreSQL server to use; when neither PGHOST nor PGPORT is set,
#                     the local server is used, and started (or installed) when we can
#   CRM_SUITE_TODAY   YYYY-MM-DD: run Odoo (and the browser it drives) with the clock set to
#                     10:00 UTC that day, against a PostgreSQL cluster of our own whose clock
#                     is set alike (crm_today_postgres); to prove nothing hangs on the real date

SUITE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CRM_SUITE_HOME=${CRM_SUITE_HOME:-$HOME/.crm-suite}
CRM_SUITE_VENV=${CRM_SUITE_VENV:-$CRM_SUITE_HOME/venv}
CRM_SUITE_PYTHON=${CRM_SUITE_PYTHON:-python3}
ODOO_REPO_URL=${ODOO_REPO_URL:-https://github.com/odoo/odoo.git}
ODOO_DEFAULT_SRC=$CRM_SUITE_HOME/odoo-18.0
# The four addons of the design card, in dependency order, then every other addon under
# addons/ (the calendar localisation, bridges): the test and run commands install them all.
SUITE_ADDONS="crm_identification crm_loyalty crm_complaints crm_sfa_ext"
for _manifest in "$SUITE_ROOT"/addons/*/__manifest__.py; do
    _addon=$(basename "$(dirname "$_manifest")")
    case " $SUITE_ADDONS " in *" $_addon "*) ;; *) SUITE_ADDONS="$SUITE_ADDONS $_addon" ;; esac
done
unset _manifest _addon
export SUITE_ADDONS

crm_say() { printf '[crm-suite] %s\n' "$*" >&2; }

crm_die() {
    printf '\n[crm-suite] ERROR: %s\n' "$1" >&2
    shift
    local line
    for line in "$@"; do printf '            %s\n' "$line" >&2; done
    exit 1
}

crm_is_root() { [ "$(id -u)" = 0 ]; }

crm_lock() {
    # Take the exclusive lock named $1 (under CRM_SUITE_HOME), waiting for it, so that two
    # commands run at once (two test runs, say) never build the same venv or template.
    # crm_unlock gives it back; so does the end of the shell.
    mkdir -p "$CRM_SUITE_HOME/locks"
    exec {CRM_LOCK_FD}>"$CRM_SUITE_HOME/locks/$1.lock"
    flock "$CRM_LOCK_FD"
}

crm_unlock() { exec {CRM_LOCK_FD}>&-; }

crm_sql() {
    # psql on database $1 with the SQL on standard input and the name=value pairs that
    # follow as psql variables (:'name' in the SQL), so values are never spliced into it.
    local db=$1 args=() pair
    shift
    for pair in "$@"; do args+=(-v "$pair"); done
    psql -d "$db" -Atq -v ON_ERROR_STOP=1 "${args[@]}"
}

# --- Odoo source ------------------------------------------------------------------------------

crm_is_odoo18() {
    [ -f "$1/odoo-bin" ] && grep -qE '^version_info = \(18, 0' "$1/odoo/release.py" 2>/dev/null
}

crm_find_odoo() {
    # ODOO_SRC when set (and remembered for the next command), else the one remembered from
    # an earlier command, else the default folder, cloned when empty.
    local remembered=$CRM_SUITE_HOME/odoo-src
    if [ -z "${ODOO_SRC:-}" ] && [ -s "$remembered" ]; then
        ODOO_SRC=$(cat "$remembered")
        crm_is_odoo18 "$ODOO_SRC" || crm_die "The Odoo source remembered from an earlier command, $ODOO_SRC, is gone or is not Odoo 18.0." \
            "Fix: set ODOO_SRC to the folder that contains Odoo 18.0's odoo-bin, or remove $remembered" \
            "to use $ODOO_DEFAULT_SRC."
    elif [ -n "${ODOO_SRC:-}" ]; then
        crm_is_odoo18 "$ODOO_SRC" || crm_die "ODOO_SRC=$ODOO_SRC does not hold the Odoo 18.0 source." \
            "It must be the folder that contains odoo-bin, from Odoo's 18.0 branch." \
            "Fix: point ODOO_SRC at such a folder, or unset it to use $ODOO_DEFAULT_SRC."
        ODOO_SRC=$(cd "$ODOO_SRC" && pwd)
        if [ "$ODOO_SRC" != "$ODOO_DEFAULT_SRC" ] && [ "$(cat "$remembered" 2>/dev/null)" != "$ODOO_SRC" ]; then
            mkdir -p "$CRM_SUITE_HOME"
            printf '%s\n' "$ODOO_SRC" >"$remembered"
            crm_say "Remembering ODOO_SRC=$ODOO_SRC for the next commands (in $remembered)"
        fi
    elif crm_is_odoo18 "$ODOO_DEFAULT_SRC"; then
        ODOO_SRC=$ODOO_DEFAULT_SRC
    else
        if [ -e "$ODOO_DEFAULT_SRC" ] && [ -n "$(ls -A "$ODOO_DEFAULT_SRC" 2>/dev/null)" ]; then
            crm_die "$ODOO_DEFAULT_SRC exists but does not hold the Odoo 18.0 source." \
                "Fix: empty or remove that folder (it will be cloned again), or set ODOO_SRC" \
                "to the folder that contains Odoo 18.0's odoo-bin."
        fi
        command -v git >/dev/null || crm_die "No Odoo 18.0 source found and git is not installed to clone it." \
            "Fix: install git, or put Odoo 18.0's source at $ODOO_DEFAULT_SRC, or set ODOO_SRC."
        crm_say "No Odoo 18.0 source found; cloning branch 18.0 of $ODOO_REPO_URL into $ODOO_DEFAULT_SRC"
        mkdir -p "$(dirname "$ODOO_DEFAULT_SRC")"
        if ! git clone --quiet --depth 1 --branch 18.0 "$ODOO_REPO_URL" "$ODOO_DEFAULT_SRC"; then
            rm -rf "$ODOO_DEFAULT_SRC"
            crm_die "No Odoo 18.0 source found, and cloning it from $ODOO_REPO_URL failed." \
                "Looked in: ODOO_SRC (not set), then $ODOO_DEFAULT_SRC (empty)." \
                "Fix one of these:" \
                "  - put Odoo 18.0's source at $ODOO_DEFAULT_SRC (the folder with odoo-bin), or" \
                "  - set ODOO_SRC=/path/to/odoo-18.0, or" \
                "  - make $ODOO_REPO_URL reachable (or set ODOO_REPO_URL to a mirror) and run again."
        fi
        ODOO_SRC=$ODOO_DEFAULT_SRC
    fi
    export ODOO_SRC
    ODOO_ADDONS_PATH="$ODOO_SRC/addons,$ODOO_SRC/odoo/addons,$SUITE_ROOT/addons"
}

# --- Python virtual environment ---------------------------------------------------------------

crm_apt_install() {
    crm_is_root && command -v apt-get >/dev/null || return 1
    crm_say "Installing Debian packages: $*"
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1; then
        apt-get update -qq >/dev/null 2>&1 || true
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1
    fi
}

crm_build_deps() {
    # Headers that Odoo's pinned packages (psycopg2, python-ldap) compile against.
    command -v dpkg-query >/dev/null || return 0
    local missing=() pkg
    for pkg in libpq-dev libldap2-dev libsasl2-dev; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    crm_apt_install "${missing[@]}" || crm_die "Missing build packages: ${missing[*]}." \
        "Fix: sudo apt-get install ${missing[*]}   (then run this command again)"
}

crm_ensure_venv() {
    local py stamp want
    py=$(command -v "$CRM_SUITE_PYTHON") || crm_die "$CRM_SUITE_PYTHON not found." \
        "Fix: install Python 3.10, 3.11 or 3.12, or set CRM_SUITE_PYTHON to one."
    "$py" -c 'import sys; sys.exit(not (3, 10) <= sys.version_info[:2] <= (3, 12))' ||
        crm_die "$py is Python $("$py" -c 'import platform; print(platform.python_version())'); Odoo 18.0 needs 3.10 to 3.12." \
            "Fix: set CRM_SUITE_PYTHON to a Python 3.10, 3.11 or 3.12 interpreter."
    want=$(cat "$ODOO_SRC/requirements.txt" "$SUITE_ROOT/requirements.txt" \
        "$SUITE_ROOT/requirements-odoo-addons.txt" "$SUITE_ROOT/setup/constraints-build.txt" | sha256sum | cut -c1-16)-$("$py" -c 'import sys; print(sys.version_info[:3])' | tr -d ' ')
    stamp=$CRM_SUITE_VENV/.crm-suite-requirements
    # the stamp lists every set of requirements installed so far (pip only adds), so two
    # checkouts with different requirements share the venv without reinstalling in turn
    if [ -x "$CRM_SUITE_VENV/bin/python" ] && grep -qxF "$want" "$stamp" 2>/dev/null; then
        VENV_PY=$CRM_SUITE_VENV/bin/python
        crm_add_wheel_addons_path
        return 0
    fi
    crm_lock venv
    if [ -x "$CRM_SUITE_VENV/bin/python" ] && grep -qxF "$want" "$stamp" 2>/dev/null; then
        VENV_PY=$CRM_SUITE_VENV/bin/python  # another command built it while we waited
        crm_unlock
        crm_add_wheel_addons_path
        return 0
    fi
    crm_build_deps
    crm_say "Preparing the virtual environment $CRM_SUITE_VENV (a few minutes the first time)"
    [ -x "$CRM_SUITE_VENV/bin/python" ] || "$py" -m venv "$CRM_SUITE_VENV" ||
        crm_die "Could not create a virtual environment at $CRM_SUITE_VENV." \
            "Fix: install the venv module (Debian: apt-get install python3-venv) or set CRM_SUITE_VENV."
    PIP_CONSTRAINT=$SUITE_ROOT/setup/constraints-build.txt "$CRM_SUITE_VENV/bin/python" -m pip install -q \
        -r "$ODOO_SRC/requirements.txt" -r "$SUITE_ROOT/requirements.txt" ||
        crm_die "Installing the Python requirements into $CRM_SUITE_VENV failed (see pip's message above)." \
            "Fix what pip names (often a missing -dev package), then run this command again."
    # OCA's Odoo addons come as wheels that ask for an "odoo" distribution, which a source
    # checkout is not: installed without dependencies (theirs are Odoo's own modules)
    "$CRM_SUITE_VENV/bin/python" -m pip install -q --no-deps -r "$SUITE_ROOT/requirements-odoo-addons.txt" ||
        crm_die "Installing the OCA addons of requirements-odoo-addons.txt into $CRM_SUITE_VENV failed." \
            "Fix what pip names (is PyPI reachable?), then run this command again."
    echo "$want" >>"$stamp"
    crm_unlock
    VENV_PY=$CRM_SUITE_VENV/bin/python
    crm_add_wheel_addons_path
}

crm_add_wheel_addons_path() {
    # Where pip put the wheels' addons (site-packages/odoo/addons) joins Odoo's addons path.
    local dir
    dir=$("$VENV_PY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/odoo/addons
    [ -d "$dir" ] || return 0
    case ",$ODOO_ADDONS_PATH," in *",$dir,"*) ;; *) ODOO_ADDONS_PATH="$ODOO_ADDONS_PATH,$dir" ;; esac
}

# --- PostgreSQL -------------------------------------------------------------------------------

crm_pg_answers() { pg_isready -q -t 3 >/dev/null 2>&1; }

crm_start_local_pg() {
    # Debian's packaging: start the newest cluster, creating one when there is none.
    command -v pg_lsclusters >/dev/null || return 1
    local ver cluster
    ver=$(pg_lsclusters -h 2>/dev/null | awk '{print $1}' | sort -V | tail -1)
    cluster=$(pg_lsclusters -h 2>/dev/null | awk -v v="$ver" '$1 == v {print $2; exit}')
    if [ -z "$ver" ]; then
        ver=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort -V | tail -1)
        [ -n "$ver" ] || return 1
        cluster=main
        pg_createcluster "$ver" "$cluster" >/dev/null || return 1
    fi
    crm_say "Starting the local PostgreSQL $ver/$cluster"
    pg_ctlcluster "$ver" "$cluster" start >/dev/null 2>&1 || true
    local _
    for _ in 1 2 3 4 5 6 7 8 9 10; do crm_pg_answers && return 0; sleep 1; done
    return 1
}

crm_ensure_postgres() {
    command -v pg_isready >/dev/null && command -v psql >/dev/null ||
        crm_apt_install postgresql ||
        crm_die "The PostgreSQL client tools (psql, pg_isready) are not installed." \
            "Fix: sudo apt-get install postgresql   (or the client only, with PGHOST set to your server)"
    if [ -n "${PGHOST:-}" ] || [ -n "${PGPORT:-}" ]; then
        crm_pg_answers || crm_die "No PostgreSQL server answers at host ${PGHOST:-local socket}, port ${PGPORT:-5432} (from PGHOST/PGPORT)." \
            "Fix: start that server, or correct PGHOST/PGPORT, or unset both to use a local server."
    elif ! crm_pg_answers; then
        if crm_is_root; then
            crm_start_local_pg || { crm_apt_install postgresql && crm_start_local_pg; } ||
                crm_die "No PostgreSQL server is running here and none could be installed or started." \
                    "Fix: install and start PostgreSQL 13+ (Debian: apt-get install postgresql)," \
                    "or point PGHOST/PGPORT/PGUSER/PGPASSWORD at a running server."
        else
            crm_die "No PostgreSQL server answers on the local socket." \
                "Fix: sudo apt-get install postgresql && sudo service postgresql start," \
                "     then: sudo -u postgres createuser -s $(id -un)" \
                "or point PGHOST/PGPORT/PGUSER/PGPASSWORD at a running server."
        fi
    fi
    # Odoo refuses to work as 'postgres'; make sure our own role exists and may create databases.
    if ! psql -d postgres -Atqc 'SELECT 1' >/dev/null 2>&1; then
        if crm_is_root && [ -z "${PGHOST:-}" ] && id postgres >/dev/null 2>&1; then
            crm_say "Creating the PostgreSQL role ${PGUSER:-$(id -un)}"
            su postgres -c "createuser -s '${PGUSER:-$(id -un)}'" >/dev/null 2>&1 || true
        fi
        psql -d postgres -Atqc 'SELECT 1' >/dev/null 2>&1 ||
            crm_die "PostgreSQL answers but refuses role ${PGUSER:-$(id -un)}." \
                "Fix: sudo -u postgres createuser -s ${PGUSER:-$(id -un)}   (or set PGUSER/PGPASSWORD)"
    fi
}

crm_copy_template() {
    # A new database $1 as a copy of the template, with the template's filestore (attachments:
    # compiled assets, images) copied beside it as Odoo's own database duplication does.
    local store=$CRM_SUITE_HOME/data/filestore
    createdb -T "$TEMPLATE_DB" "$1" || crm_die "Could not copy $TEMPLATE_DB to $1."
    rm -rf "${store:?}/$1"
    if [ -d "$store/$TEMPLATE_DB" ]; then
        mkdir -p "$store"
        cp -al "$store/$TEMPLATE_DB" "$store/$1" 2>/dev/null || cp -a "$store/$TEMPLATE_DB" "$store/$1"
    fi
}

crm_drop_db() {
    dropdb --if-exists "$1" >/dev/null 2>&1
    rm -rf "${CRM_SUITE_HOME:?}/data/filestore/$1"
}

crm_db_exists() {
    [ "$(crm_sql postgres name="$1" <<<"SELECT 1 FROM pg_database WHERE datname = :'name'")" = 1 ]
}

crm_bench_db() {
    # A benchmark's database $1 with addon $2: a kept one (BENCH_KEEP=1) is brought up to the
    # code being measured, else the template is copied and the addon installed. More Odoo
    # options may follow (--without-demo=all).
    local db=$1 addon=$2
    shift 2
    if crm_db_exists "$db"; then
        crm_odoo -d "$db" -u "$addon" --stop-after-init --no-http --log-level=warn "$@"
    else
        crm_copy_template "$db"
        crm_odoo -d "$db" -i "$addon" --stop-after-init --no-http --log-level=warn "$@"
    fi
}

# --- Odoo -------------------------------------------------------------------------------------

crm_ensure_rtlcss() {
    # Odoo builds the right-to-left stylesheets (Persian, Arabic, ...) with the rtlcss tool;
    # without it those languages show left to right.
    command -v rtlcss >/dev/null && return 0
    [ -x "$CRM_SUITE_HOME/node/node_modules/.bin/rtlcss" ] && return 0
    if command -v npm >/dev/null; then
        crm_say "Installing rtlcss (right-to-left stylesheets) into $CRM_SUITE_HOME/node"
        npm install --silent --no-audit --no-fund --prefix "$CRM_SUITE_HOME/node" rtlcss@4 \
            >/dev/null 2>&1 && return 0
    fi
    crm_say "WARNING: rtlcss is not installed: Persian screens will show left to right." \
        "Install Node.js and run: npm install -g rtlcss"
}

crm_odoo() {
    # Odoo with the suite's addons path and data dir; extra arguments go through, and a
    # first argument naming a subcommand (shell, ...) stays first. CRM_ODOO_ENTRY may name
    # a script that runs odoo-bin in its stead (tests/scripts/odoo_tests_installed.py).
    local command=()
    case "${1:-}" in -*|"") ;; *) command=("$1"); shift ;; esac
    mkdir -p "$CRM_SUITE_HOME/data"
    local clock=() run rc
    if [ -n "${CRM_SUITE_TODAY:-}" ]; then
        # every process of this run carries a mark, so that none outlives it (a browser
        # under libfaketime left behind by a test keeps a core busy)
        run=$$-$RANDOM
        # shellcheck disable=SC2207  # crm_today_env prints NAME=value words without spaces
        clock=(env $(crm_today_env) "CRM_SUITE_CLOCK_RUN=$run")
    fi
    PATH="$CRM_SUITE_HOME/node/node_modules/.bin:$PATH" \
        "${clock[@]}" "$VENV_PY" "${CRM_ODOO_ENTRY:-$ODOO_SRC/odoo-bin}" "${command[@]}" --addons-path="$ODOO_ADDONS_PATH" \
        --data-dir="$CRM_SUITE_HOME/data" "$@"
    rc=$?
    [ -z "${run:-}" ] || crm_kill_marked "CRM_SUITE_CLOCK_RUN=$run"
    return "$rc"
}

crm_kill_marked() {
    # Ends every process whose environment holds $1 (NAME=value).
    local pids
    pids=$(grep -lsxzF "$1" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3 | tr '\n' ' ')
    # shellcheck disable=SC2086  # one argument per process
    [ -z "$pids" ] || kill -KILL $pids 2>/dev/null || true
}

crm_external_depends() {
    # Odoo modules the suite's addons depend on (outside the suite), one line, sorted.
    "$VENV_PY" - "$SUITE_ROOT/addons" <<'EOF'
import ast, pathlib, sys
root = pathlib.Path(sys.argv[1])
ours = {p.parent.name for p in root.glob("*/__manifest__.py")}
deps = set()
for manifest in root.glob("*/__manifest__.py"):
    deps.update(ast.literal_eval(manifest.read_text())["depends"])
print(",".join(sorted(deps - ours)))
EOF
}

crm_odoo_source_key() {
    # Changes whenever a file of the Odoo source changes (name, size or time), not only its
    # version line, which stays 18.0 across updates; a quarter of a second on 40,000 files.
    (cd "$ODOO_SRC" && find odoo addons -type f ! -name '*.pyc' -printf '%P %s %T@\n' | sort) |
        sha256sum | cut -c1-16
}

crm_template_ready() {
    crm_db_exists "$TEMPLATE_DB" && [ "$(crm_sql "$TEMPLATE_DB" <<<"SELECT value FROM ir_config_parameter
        WHERE key = 'crm_suite.template_ready'" 2>/dev/null)" = 1 ]
}

crm_ensure_template() {
    # A database with Odoo's own modules (and their demo data) that the suite depends on,
    # built once and copied (createdb -T) for every demo or test database. Its name follows
    # the modules and the Odoo source, so either changing builds a new one. With
    # CRM_SUITE_TODAY, it is built on the real server, copied into the faked-clock cluster,
    # and every later step of the command works on that cluster.
    if [ -n "${CRM_TODAY_PGHOST:-}" ] && [ "${PGHOST:-}" = "$CRM_TODAY_PGHOST" ]; then
        PGHOST=${CRM_REAL_PGHOST:-} PGPORT=${CRM_REAL_PGPORT:-} crm_ensure_template
        crm_today_template
        return 0
    fi
    local deps key
    deps=$(crm_external_depends)
    key=$( (echo "$deps"; crm_odoo_source_key) | sha256sum | cut -c1-10)
    TEMPLATE_DB=crm_suite_tpl_$key
    crm_template_ready && return 0
    crm_lock "template-$key"
    if crm_template_ready; then  # another command built it while we waited
        crm_unlock
        return 0
    fi
    crm_say "Building the template database $TEMPLATE_DB with Odoo's $deps (once; a few minutes)"
    crm_drop_db "$TEMPLATE_DB"
    createdb "$TEMPLATE_DB" || crm_die "Could not create the database $TEMPLATE_DB."
    mkdir -p "$CRM_SUITE_HOME/logs"
    if ! crm_odoo -d "$TEMPLATE_DB" -i "$deps" --stop-after-init --no-http \
        --logfile="$CRM_SUITE_HOME/logs/$TEMPLATE_DB.log"; then
        crm_drop_db "$TEMPLATE_DB"
        crm_die "Installing Odoo's modules into $TEMPLATE_DB failed." \
            "See $CRM_SUITE_HOME/logs/$TEMPLATE_DB.log"
    fi
    crm_sql "$TEMPLATE_DB" <<<"INSERT INTO ir_config_parameter (key, value)
        VALUES ('crm_suite.template_ready', '1')" >/dev/null
    crm_unlock
}

crm_use_today_postgres() {
    # From here on, psql, createdb and Odoo work on the CRM_SUITE_TODAY cluster.
    [ -n "${CRM_TODAY_PGHOST:-}" ] || return 0
    crm_ensure_template
    crm_today_template
    export CRM_REAL_PGHOST=${PGHOST:-} CRM_REAL_PGPORT=${PGPORT:-}
    export PGHOST=$CRM_TODAY_PGHOST PGPORT=$CRM_TODAY_PGPORT
}

crm_ensure_wkhtmltopdf() {
    # Odoo prints every PDF (quotations, invoices, the suite's reports) with wkhtmltopdf;
    # without it printing fails with an error in the browser.
    command -v wkhtmltopdf >/dev/null && return 0
    crm_apt_install wkhtmltopdf ||
        crm_say "WARNING: wkhtmltopdf is not installed: Odoo cannot print PDFs (quotations, invoices," \
            "the suite's reports). Fix: sudo apt-get install wkhtmltopdf"
}

crm_ensure_chromium() {
    # Odoo's browser tests (tours) drive Chromium; without it they are skipped, not run.
    command -v chromium >/dev/null || command -v chromium-browser >/dev/null ||
        command -v google-chrome >/dev/null && return 0
    crm_apt_install chromium ||
        crm_die "Chromium is needed for the browser tests (tours) and is not installed." \
            "Fix: sudo apt-get install chromium   (then run this command again)"
}

crm_prepare() {
    # All the steps both commands need, in order.
    crm_find_odoo
    crm_ensure_venv
    crm_ensure_postgres
    crm_ensure_rtlcss
    crm_ensure_wkhtmltopdf
    [ -z "${CRM_SUITE_TODAY:-}" ] || crm_today_postgres
}

# --- Another day (CRM_SUITE_TODAY) ------------------------------------------------------------

crm_faketime_lib() {
    # The multi-threaded libfaketime (Odoo serves HTTP from threads), installed when missing.
    local lib
    lib=$(find /usr/lib /usr/local/lib -name libfaketimeMT.so.1 2>/dev/null | head -1)
    if [ -z "$lib" ]; then
        crm_apt_install faketime >/dev/null || true
        lib=$(find /usr/lib /usr/local/lib -name libfaketimeMT.so.1 2>/dev/null | head -1)
    fi
    [ -n "$lib" ] || crm_die "CRM_SUITE_TODAY needs libfaketime, which is not installed." \
        "Fix: sudo apt-get install faketime   (or unset CRM_SUITE_TODAY)"
    printf '%s\n' "$lib"
}

crm_today_env() {
    # The environment that sets a process's clock to CRM_SUITE_TODAY 10:00 UTC, ticking from
    # there, in the processes it starts too. Monotonic clocks are faked alike: with them
    # left real, libfaketime fails Python's time.sleep (EINVAL) and hangs Chromium.
    printf 'LD_PRELOAD=%s FAKETIME_FMT=%%s FAKETIME=@%s FAKETIME_DONT_RESET=1' \
        "$(crm_faketime_lib)" "$(date -u -d "$CRM_SUITE_TODAY 10:00:00" +%s)"
}

crm_today_postgres() {
    # PostgreSQL's now() and CURRENT_DATE must agree with Odoo's faked clock, so that
    # create_date, SQL reports and Python see the same day: a cluster of our own in the
    # postgres user's home (it cannot enter root's; kept between runs), started with the faked clock on a socket
    # of its own, the template database copied into it from the real server the first time.
    # PGHOST/PGPORT point at it for the rest of the command; it stops when the command ends.
    if ! [[ $CRM_SUITE_TODAY =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]] || ! date -u -d "$CRM_SUITE_TODAY" >/dev/null 2>&1; then
        crm_die "CRM_SUITE_TODAY=$CRM_SUITE_TODAY is not a day." "Fix: give it as YYYY-MM-DD, e.g. CRM_SUITE_TODAY=2028-02-29"
    fi
    [ -n "${CRM_TODAY_PGHOST:-}" ] && return 0  # an outer command started it
    crm_is_root || crm_die "CRM_SUITE_TODAY starts a PostgreSQL cluster of its own and needs root for it." \
        "Fix: run as root (CI does), or unset CRM_SUITE_TODAY."
    # one such run at a time: they share the cluster (held until this command ends)
    mkdir -p "$CRM_SUITE_HOME/locks"
    exec {CRM_TODAY_LOCK_FD}>"$CRM_SUITE_HOME/locks/today.lock"
    flock -n "$CRM_TODAY_LOCK_FD" || {
        crm_say "Waiting for another CRM_SUITE_TODAY run to end"
        flock "$CRM_TODAY_LOCK_FD"
    }
    local bin dir sock port env
    bin=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin 2>/dev/null | sort -V | tail -1)
    [ -x "$bin/initdb" ] || crm_die "CRM_SUITE_TODAY needs PostgreSQL's server programs (initdb)." \
        "Fix: sudo apt-get install postgresql"
    dir=$(getent passwd postgres | cut -d: -f6)/crm-suite-today
    sock=$(mktemp -d /tmp/crm-suite-pg-today.XXXXXX)
    chmod 755 "$sock"
    chown postgres "$sock"
    port=$("$VENV_PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    if [ ! -f "$dir/PG_VERSION" ]; then
        mkdir -p "$dir"
        chown postgres "$dir"
        su postgres -c "'$bin/initdb' -D '$dir' -A trust -E UTF8 --locale=C.UTF-8" >/dev/null ||
            crm_die "Could not create the PostgreSQL cluster $dir for CRM_SUITE_TODAY."
    fi
    env=$(crm_today_env)
    crm_say "Starting a PostgreSQL with its clock at $CRM_SUITE_TODAY (cluster $dir, socket $sock)"
    su postgres -c "env $env '$bin/pg_ctl' -D '$dir' -w -l '$dir/server.log' \
        -o '-k $sock -p $port -c listen_addresses= -c fsync=off' start" >/dev/null ||
        crm_die "Could not start the PostgreSQL cluster $dir for CRM_SUITE_TODAY." "See $dir/server.log"
    export CRM_TODAY_PGHOST=$sock CRM_TODAY_PGPORT=$port CRM_TODAY_PGBIN=$bin CRM_TODAY_PGDATA=$dir
    # shellcheck disable=SC2064  # the values are fixed now
    trap "su postgres -c \"'$bin/pg_ctl' -D '$dir' -m fast stop\" >/dev/null 2>&1; rm -rf '$sock'" EXIT
    PGHOST=$sock PGPORT=$port createuser -U postgres -s "${PGUSER:-$(id -un)}" 2>/dev/null || true
}

crm_today_template() {
    # Copies the template database from the real server into the CRM_SUITE_TODAY cluster
    # (once per template), so that test databases there are copied from it as usual.
    [ -n "${CRM_TODAY_PGHOST:-}" ] || return 0
    PGHOST=$CRM_TODAY_PGHOST PGPORT=$CRM_TODAY_PGPORT crm_template_ready && return 0
    crm_say "Copying $TEMPLATE_DB into the CRM_SUITE_TODAY cluster"
    PGHOST=$CRM_TODAY_PGHOST PGPORT=$CRM_TODAY_PGPORT dropdb --if-exists "$TEMPLATE_DB" >/dev/null 2>&1
    PGHOST=$CRM_TODAY_PGHOST PGPORT=$CRM_TODAY_PGPORT createdb "$TEMPLATE_DB" ||
        crm_die "Could not create $TEMPLATE_DB in the CRM_SUITE_TODAY cluster."
    pg_dump -Fc "$TEMPLATE_DB" | PGHOST=$CRM_TODAY_PGHOST PGPORT=$CRM_TODAY_PGPORT \
        pg_restore --no-owner -d "$TEMPLATE_DB" ||
        crm_die "Could not copy $TEMPLATE_DB into the CRM_SUITE_TODAY cluster."
}
