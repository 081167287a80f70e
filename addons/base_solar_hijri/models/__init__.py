from . import (
    base,
    ir_http,
    ir_qweb_fields,
    mail_render_mixin,
    res_company,
    res_config_settings,
    res_users,
    resource_calendar,
)
