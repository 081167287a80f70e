from . import crm_competitor
