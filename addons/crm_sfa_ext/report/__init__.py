from . import crm_competitor_report, crm_contact_history, crm_forecast_report
