from . import ir_http, res_users
