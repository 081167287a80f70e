"""crm_loyalty extends Odoo's loyalty programmes without replacing them: Odoo's own
`loyalty` and `sale_loyalty` tests (coupons, promotions, gift cards, eWallets, rewards on
quotations) still pass with crm_loyalty installed."""

import re

from conftest import bash, free_port


def test_odoo_loyalty_tests_pass_with_crm_loyalty(databases):
    db = databases.copy_template("odoo_loyalty")
    databases.odoo(db, "-i", "crm_loyalty")
    # updating loyalty runs its at_install tests and sale_loyalty's, then their post_install
    # ones, in a registry where crm_loyalty's overrides are loaded
    proc = bash(
        f"crm_prepare; crm_odoo -d {db} --stop-after-init --log-level=test "
        f"--http-port={free_port()} -u loyalty,sale_loyalty --test-enable "
        "--test-tags /loyalty,/sale_loyalty",
        check=False,
    )
    log = proc.stdout + proc.stderr
    summary = re.findall(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading", log)
    problems = "\n".join(
        line for line in log.splitlines() if re.search(r" (ERROR|CRITICAL) ", line)
    )
    assert proc.returncode == 0 and summary, log[-5000:]
    failed, errors, ran = map(int, summary[-1])
    assert (failed, errors) == (0, 0), problems[-8000:]
    assert ran > 50, f"only {ran} of Odoo's loyalty tests ran"
