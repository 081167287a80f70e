from . import crm_churn_report
