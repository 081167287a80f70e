from odoo import fields, models

from ..models.crm_sales_target import PERIOD_TYPES


class CrmForecastSnapshotWizard(models.TransientModel):
    _name = "crm.forecast.snapshot.wizard"
    _description = "Take Forecast Snapshots"

    period_type = fields.Selection(PERIOD_TYPES, string="Period", required=True, default="month")
    day = fields.Date(
        string="Period Containing",
        required=True,
        default=fields.Date.context_today,
    )

    def action_take(self):
        self.ensure_one()
        taken = self.env["crm.forecast.snapshot"]._take(self.period_type, self.day)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_sfa_ext.crm_forecast_snapshot_action"
        )
        action["help"] = False
        action["display_name"] = self.env._("Forecast Snapshots (%(count)s new)", count=taken)
        return action
