from . import crm_segment_migration
