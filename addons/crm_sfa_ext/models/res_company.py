from odoo import fields, models

# see the README's field-service benchmark
REGION_VISITS = 850


class ResCompany(models.Model):
    _inherit = "res.company"

    fs_speed_kmh = fields.Float(string="Average Travel Speed (km/h)", default=40.0)
    fs_road_factor = fields.Float(
        string="Road Factor",
        default=1.3,
        help="How much longer the road is than the straight line between two places.",
    )
    fs_exploration_level = fields.Integer(
        string="Solver Effort",
        default=1,
        help="VROOM's exploration level, 1 (fast) to 5 (thorough and much slower).",
    )
    fs_split_days = fields.Integer(
        string="Days Solved at a Time",
        help="0: a week or less in one solve, a day at a time beyond.",
    )
    fs_region_visits = fields.Integer(
        string="Visits per Region",
        default=REGION_VISITS,
        help="A plan of more visits is cut into regions by the technicians' home bases, one "
        "region for each this many visits, each solved over the whole period: much faster "
        "than one solve, nearly as short. 0: never cut.",
    )
    fs_arrival_window_minutes = fields.Integer(
        string="Customer's Arrival Window (minutes)",
        default=120,
        help="How wide the arrival window told to the customer is, around the planned "
        "arrival (0: the exact minute).",
    )
    fs_router = fields.Selection(
        [("osrm", "OSRM"), ("valhalla", "Valhalla")],
        string="Road Router",
        help="A routing server that gives travel times by road; empty: straight lines.",
    )
    fs_router_url = fields.Char(
        string="Router URL",
        help="Base address of the OSRM or Valhalla server, e.g. http://osrm.internal:5000. "
        "When it cannot be reached, the plan falls back to straight lines and says so.",
    )
    fs_tier_a_months = fields.Integer(string="Tier A Visits Every (months)", default=1)
    fs_tier_b_months = fields.Integer(string="Tier B Visits Every (months)", default=3)
    fs_tier_c_months = fields.Integer(string="Tier C Visits Every (months)", default=6)

    _sql_constraints = [
        (
            "fs_exploration_level_range",
            "CHECK(fs_exploration_level BETWEEN 1 AND 5)",
            "The solver effort goes from 1 to 5.",
        ),
        (
            "fs_arrival_window_positive",
            "CHECK(fs_arrival_window_minutes >= 0)",
            "The customer's arrival window cannot be negative.",
        ),
        ("fs_speed_positive", "CHECK(fs_speed_kmh > 0)", "The travel speed must be positive."),
    ]
