"""odoo-bin, except that the selected at_install tests run with the post_install ones.

Odoo runs a module's at_install tests while that module is being loaded (installed, updated,
or, with --test-enable and no -i/-u, simply loaded), in a registry holding only the modules
loaded before it. To test Odoo's own modules *with the suite installed* (its overrides
loaded, its records in the database), their at_install tests must run in the complete
registry instead: after loading, with the post_install ones. Used by
tests/test_odoo_own_tests.py on both sides of its comparison, so both run alike.

    python odoo_tests_installed.py <odoo-bin arguments>   (ODOO_SRC names Odoo's source)
"""

import os
import runpy
import sys

sys.path.insert(0, os.environ["ODOO_SRC"])
os.environ["TZ"] = "UTC"  # as odoo-bin sets it, before anything reads the time zone

from odoo.tests import loader

make_suite = loader.make_suite


def make_suite_with_at_install(module_names, position="at_install"):
    if position != "post_install":
        return loader.OdooSuite([])  # while loading: they run after, with the full registry
    tests = [*make_suite(module_names, "at_install"), *make_suite(module_names, "post_install")]
    return loader.OdooSuite(sorted(tests, key=lambda test: test.test_sequence))


loader.make_suite = make_suite_with_at_install
sys.argv[0] = os.path.join(os.environ["ODOO_SRC"], "odoo-bin")
runpy.run_path(sys.argv[0], run_name="__main__")
