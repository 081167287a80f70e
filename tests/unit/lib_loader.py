import importlib.util
from pathlib import Path

ADDONS = Path(__file__).resolve().parents[2] / "addons"


def load_lib(addon, name):
    """Import addons/<addon>/lib/<name>.py on its own: these modules need no Odoo."""
    path = ADDONS / addon / "lib" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"{addon}_lib_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
