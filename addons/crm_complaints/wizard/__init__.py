from . import crm_complaint_merge
