"""README's run command: creates the demo database with the four addons, serves the login
page, and a second run reuses the database instead of installing again."""

import os
import signal
import subprocess
import time
import urllib.request

from conftest import ADDONS, ROOT, bash, free_port


def start(db, port):
    proc = subprocess.Popen(
        ["bash", str(ROOT / "setup/run.sh")],
        env=dict(os.environ, CRM_SUITE_DB=db, ODOO_PORT=port),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines = []
    deadline = time.monotonic() + 1200
    for line in proc.stdout:
        lines.append(line)
        if line.startswith("Stop it with") or time.monotonic() > deadline:
            break
    return proc, "".join(lines)


def stop(proc):
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=60)


def test_run_serves_login_with_the_four_addons():
    db = "crm_suite_pytest_run"
    port = free_port()
    bash(f"crm_prepare; crm_drop_db {db}")
    try:
        proc, output = start(db, port)
        try:
            assert f"Odoo is up: http://localhost:{port}" in output, output
            assert "Log in as admin, password admin" in output
            page = urllib.request.urlopen(f"http://localhost:{port}/web/login", timeout=30).read()
            assert b'name="login"' in page
        finally:
            stop(proc)
        states = bash(
            f"psql -d {db} -Atqc \"SELECT name || '=' || state FROM ir_module_module "
            f"WHERE name LIKE 'crm\\_%' ORDER BY name\""
        ).stdout.split()
        for addon in ADDONS:
            assert f"{addon}=installed" in states

        proc, output = start(db, port)
        stop(proc)
        assert "Odoo is up" in output
        assert "Creating the demo database" not in output
        assert "updating them" not in output
    finally:
        bash(f"crm_drop_db {db}", check=False)
        stamp = os.path.expanduser(
            os.environ.get("CRM_SUITE_HOME", "~/.crm-suite") + f"/{db}.addons-hash"
        )
        if os.path.exists(stamp):
            os.remove(stamp)
