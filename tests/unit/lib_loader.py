import importlib
import sys
import types
from pathlib import Path

ADDONS = Path(__file__).resolve().parents[2] / "addons"


def load_lib(addon, name):
    """Import addons/<addon>/lib/<name>.py with no Odoo: lib/ is loaded as a package of its
    own (`<addon>_lib`), so that its modules may import their siblings relatively."""
    package = f"{addon}_lib"
    if package not in sys.modules:
        module = types.ModuleType(package)
        module.__path__ = [str(ADDONS / addon / "lib")]
        sys.modules[package] = module
    return importlib.import_module(f"{package}.{name}")
