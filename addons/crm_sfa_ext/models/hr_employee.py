from odoo import api, fields, models
from odoo.tools import config

FS_GROUPS = "crm_sfa_ext.group_fs_dispatcher,hr.group_hr_user"


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    fs_is_technician = fields.Boolean(
        string="Field Technician",
        groups=FS_GROUPS,
        help="Planned by the field-service scheduler.",
    )
    fs_home_latitude = fields.Float(string="Home Base Latitude", digits=(10, 7), groups=FS_GROUPS)
    fs_home_longitude = fields.Float(
        string="Home Base Longitude", digits=(10, 7), groups=FS_GROUPS
    )
    fs_van_location_id = fields.Many2one(
        "stock.location",
        string="Van Stock",
        domain="[('usage', '=', 'internal')]",
        check_company=True,
        groups=FS_GROUPS,
        help="Materials this technician uses come out of this location; without one, out of "
        "the warehouse stock.",
    )
    fs_hourly_cost = fields.Monetary(
        string="Field Hourly Cost",
        currency_field="currency_id",
        groups=FS_GROUPS,
        help="Cost of an hour of this technician's time on a visit.",
    )
    fs_skill_ids = fields.Many2many(
        "hr.skill",
        compute="_compute_fs_skill_ids",
        string="Field Skills",
        groups=FS_GROUPS,
    )

    @api.depends("employee_skill_ids.skill_id")
    def _compute_fs_skill_ids(self):
        for employee in self:
            employee.fs_skill_ids = employee.employee_skill_ids.skill_id

    def action_fs_locate_home(self):
        """Home base from the employee's private address, through base_geolocalize (never
        while tests run, as Odoo's own geolocation)."""
        self.ensure_one()
        # only who may set the home base looks the private address up (the geocoder is
        # asked before anything is written)
        self.check_access("write")
        self.check_field_access_rights("write", ["fs_home_latitude", "fs_home_longitude"])
        if config["test_enable"] and not self.env.context.get("force_geo_localize"):
            return False
        # the private address is HR data: read it as the system, for the dispatcher's button
        home = self.sudo()
        result = self.env["res.partner"]._geo_localize(
            home.private_street or "",
            home.private_zip or "",
            home.private_city or "",
            home.private_state_id.name or "",
            home.private_country_id.name or "",
        )
        if result:
            self.write({"fs_home_latitude": result[0], "fs_home_longitude": result[1]})
        return bool(result)
