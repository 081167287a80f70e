from odoo import fields, models


class HrEmployee(models.Model):
    """The field-service fields of an employee are not prefetched with the others.

    hr lets a user without HR rights read employees only through their public fields, and
    refuses the whole read when it names another one. These fields are readable by
    dispatchers (their groups), so Odoo prefetched them with any employee field a dispatcher
    reads: the `active` flag that every read of a visit's technicians checks made the board,
    the lists and the forms of visits fail for a dispatcher who is no HR user."""

    # explicit _name: hr_employee.py declares these fields, this file only their prefetching
    _name = "hr.employee"
    _inherit = "hr.employee"

    fs_is_technician = fields.Boolean(prefetch=False)
    fs_home_latitude = fields.Float(prefetch=False)
    fs_home_longitude = fields.Float(prefetch=False)
    fs_van_location_id = fields.Many2one(prefetch=False)
    fs_hourly_cost = fields.Monetary(prefetch=False)
