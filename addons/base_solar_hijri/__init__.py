from . import models, wizard
from .lib.solar_hijri import SQL_DROP_FUNCTIONS


def uninstall_hook(env):
    """Remove the SQL functions the addon created (res.company.init)."""
    env.cr.execute(SQL_DROP_FUNCTIONS)
