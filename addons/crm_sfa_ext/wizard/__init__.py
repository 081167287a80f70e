from . import crm_forecast_snapshot_wizard, crm_visit_plan_generate
