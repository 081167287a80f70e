from . import crm_loyalty_tier
