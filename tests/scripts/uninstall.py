# Run inside `odoo shell` after a line `UNINSTALL = "<module>"`: uninstalls that module (which
# commits), as an administrator would from the Apps menu.
import json

module = env["ir.module.module"].search([("name", "=", UNINSTALL)])
module.button_immediate_uninstall()
print(json.dumps({"uninstalled": module.name}))
