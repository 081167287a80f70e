from . import (
    calendar_event,
    crm_competitor,
    crm_competitor_link,
    crm_forecast_snapshot,
    crm_lead,
    crm_lead_buying_role,
    crm_sales_target,
    crm_visit_plan,
    crm_visit_plan_line,
    crm_visit_plan_rule,
    mail_activity,
    res_partner,
)
