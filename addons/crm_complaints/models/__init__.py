# the mixins first: crm.complaint and the remedies' documents inherit them
from . import (
    crm_complaint_duplicate_mixin,
    crm_complaint_intake_mixin,
    crm_complaint_remedy_document,
    crm_complaint_sla_mixin,
    crm_complaint_solution_mixin,
)

# isort: split
from . import (
    account_move,
    crm_complaint,
    crm_complaint_capa,
    crm_complaint_category,
    crm_complaint_escalation,
    crm_complaint_remedy,
    crm_complaint_root_cause,
    crm_complaint_sla,
    crm_complaint_stage,
    crm_complaint_team,
    crm_complaint_web_attempt,
    crm_customer_score,
    loyalty_history,
    mail_thread,
    res_company,
    res_config_settings,
    res_partner,
    sale_order,
    stock_picking,
)
