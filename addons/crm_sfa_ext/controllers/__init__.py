from . import field_service_portal
