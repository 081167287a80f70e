"""Helpers for the suite-level tests: they drive the real setup scripts, a real Odoo 18.0
and a real PostgreSQL, as README's commands do."""

import json
import os
import socket
import subprocess
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The design card's four addons, in dependency order ...
ADDONS = ["crm_identification", "crm_loyalty", "crm_complaints", "crm_sfa_ext"]
# ... and every addon under addons/ (the calendar localisation, the bridges), as the test and
# run commands install them (setup/lib.sh's SUITE_ADDONS)
SUITE_ADDONS = ADDONS + sorted(
    {p.parent.name for p in (ROOT / "addons").glob("*/__manifest__.py")} - set(ADDONS)
)


def bash(script, env=None, timeout=1800, check=True):
    """Run a bash snippet with setup/lib.sh sourced; return the CompletedProcess."""
    full_env = dict(os.environ, **(env or {}))
    proc = subprocess.run(
        ["bash", "-c", f'set -euo pipefail; source "{ROOT}/setup/lib.sh"; {script}'],
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if check and proc.returncode:
        raise AssertionError(
            f"command failed ({proc.returncode}): {script}\n{proc.stdout}\n{proc.stderr}"
        )
    return proc


def free_port():
    """A TCP port nobody listens on right now, as a string for environment variables."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return str(sock.getsockname()[1])


class Databases:
    """Throw-away databases copied from the template that setup/test.sh prepared."""

    def __init__(self):
        self.created = []

    def copy_template(self, label):
        name = f"crm_suite_pytest_{label}_{uuid.uuid4().hex[:6]}"
        bash(f"crm_prepare; crm_ensure_template; crm_copy_template {name}")
        self.created.append(name)
        return name

    def odoo(self, db, *args, check=True):
        quoted = " ".join(f"'{a}'" for a in args)
        return bash(
            f"crm_prepare; crm_odoo -d {db} --no-http --stop-after-init --log-level=warn {quoted}",
            check=check,
        )

    def shell(self, db, code):
        """Run Python in `odoo shell` on db; the code prints one JSON document last."""
        proc = subprocess.run(
            [
                "bash",
                "-c",
                f'source "{ROOT}/setup/lib.sh"; crm_prepare; '
                f"crm_odoo shell -d {db} --no-http --log-level=warn",
            ],
            input=code,
            capture_output=True,
            text=True,
            timeout=1800,
            check=False,
        )
        lines = [line for line in proc.stdout.splitlines() if line.startswith(("{", "["))]
        assert proc.returncode == 0 and lines, f"odoo shell failed:\n{proc.stdout}\n{proc.stderr}"
        return json.loads(lines[-1])

    def drop_all(self):
        for name in self.created:
            bash(f"crm_drop_db {name}", check=False)


@pytest.fixture(scope="session")
def databases():
    dbs = Databases()
    yield dbs
    dbs.drop_all()


@pytest.fixture(scope="session")
def suite_database(databases):
    """A copy of the template with every addon of the suite installed (and their demo data),
    shared by the tests that only need the whole suite in place."""
    db = databases.copy_template("suite")
    databases.odoo(db, "-i", ",".join(SUITE_ADDONS))
    return db
