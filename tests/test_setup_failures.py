"""The setup scripts stop with a message that says what to do when something they need is
missing, instead of failing somewhere later."""

import os
import subprocess

import pytest
from conftest import ROOT, free_port


def run_script(script, tmp_path, **env):
    full_env = dict(os.environ, **env)
    for key, value in env.items():
        if value is None:
            full_env.pop(key)
    return subprocess.run(
        ["bash", str(ROOT / "setup" / script)],
        env=full_env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=tmp_path,
    )


@pytest.mark.parametrize("script", ["run.sh", "test.sh"])
def test_odoo_src_pointing_nowhere(script, tmp_path):
    proc = run_script(script, tmp_path, ODOO_SRC=str(tmp_path / "missing"))
    assert proc.returncode != 0
    assert f"ODOO_SRC={tmp_path / 'missing'} does not hold the Odoo 18.0 source" in proc.stderr
    assert "Fix: point ODOO_SRC at such a folder" in proc.stderr


@pytest.mark.parametrize("script", ["run.sh", "test.sh"])
def test_no_odoo_source_and_clone_fails(script, tmp_path):
    home = tmp_path / "suite-home"
    proc = run_script(
        script,
        tmp_path,
        ODOO_SRC=None,
        CRM_SUITE_HOME=str(home),
        ODOO_REPO_URL=str(tmp_path / "no-such-repository"),
        GIT_TERMINAL_PROMPT="0",
    )
    assert proc.returncode != 0
    assert "No Odoo 18.0 source found, and cloning it from" in proc.stderr
    assert f"put Odoo 18.0's source at {home / 'odoo-18.0'}" in proc.stderr
    assert "set ODOO_SRC=/path/to/odoo-18.0" in proc.stderr
    assert not (home / "odoo-18.0").exists(), "a failed clone must not leave a half folder"


def test_default_folder_holding_something_else(tmp_path):
    home = tmp_path / "suite-home"
    (home / "odoo-18.0").mkdir(parents=True)
    (home / "odoo-18.0" / "notes.txt").write_text("not odoo")
    proc = run_script("run.sh", tmp_path, ODOO_SRC=None, CRM_SUITE_HOME=str(home))
    assert proc.returncode != 0
    assert "exists but does not hold the Odoo 18.0 source" in proc.stderr
    assert (home / "odoo-18.0" / "notes.txt").exists(), "never delete what a user put there"


@pytest.mark.parametrize("script", ["run.sh", "test.sh"])
def test_no_postgresql_answering(script, tmp_path):
    port = free_port()
    proc = run_script(script, tmp_path, PGHOST="127.0.0.1", PGPORT=port)
    assert proc.returncode != 0
    assert f"No PostgreSQL server answers at host 127.0.0.1, port {port}" in proc.stderr
    assert "Fix: start that server, or correct PGHOST/PGPORT" in proc.stderr


def test_unsupported_python(tmp_path):
    fake = tmp_path / "python-too-old"
    fake.write_text("#!/bin/sh\nexec python3 -c 'import sys; sys.exit(1)' \"$@\"\n")
    fake.chmod(0o755)
    proc = run_script(
        "run.sh", tmp_path, CRM_SUITE_PYTHON=str(fake), CRM_SUITE_VENV=str(tmp_path / "venv")
    )
    assert proc.returncode != 0
    assert "Odoo 18.0 needs 3.10 to 3.12" in proc.stderr
    assert "Fix: set CRM_SUITE_PYTHON" in proc.stderr


def test_odoo_src_given_once_is_remembered(tmp_path):
    """A newcomer runs `ODOO_SRC=... bash setup/run.sh`, then `bash setup/test.sh` without
    it: the test command finds the same source instead of saying none was found."""
    home = tmp_path / "suite-home"
    source = subprocess.run(  # the source this machine uses, wherever it came from
        ["bash", "-c", f'source "{ROOT}/setup/lib.sh"; crm_find_odoo; echo "$ODOO_SRC"'],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    fake = tmp_path / "python-too-old"  # stops each script right after it found Odoo
    fake.write_text("#!/bin/sh\nexec python3 -c 'import sys; sys.exit(1)' \"$@\"\n")
    fake.chmod(0o755)
    common = {
        "CRM_SUITE_HOME": str(home),
        "CRM_SUITE_PYTHON": str(fake),
        "ODOO_REPO_URL": str(tmp_path / "no-such-repository"),
        "GIT_TERMINAL_PROMPT": "0",
    }
    first = run_script("run.sh", tmp_path, ODOO_SRC=str(source), **common)
    assert "Odoo 18.0 needs 3.10 to 3.12" in first.stderr, first.stderr
    second = run_script("test.sh", tmp_path, ODOO_SRC=None, **common)
    assert "No Odoo 18.0 source found" not in second.stderr, second.stderr
    assert "Odoo 18.0 needs 3.10 to 3.12" in second.stderr, second.stderr
    assert (home / "odoo-src").read_text().strip() == str(source)
