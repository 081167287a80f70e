from datetime import datetime, timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

# fields of the company's own planning and figures, never shown to the customer
INTERNAL = "base.group_user"
COSTS = "crm_sfa_ext.group_fs_dispatcher"
# a customer's request for another window: how far ahead, and how long a note
REQUEST_DAYS_AHEAD = 365
REQUEST_NOTE_SIZE = 2000
PRIORITIES = [("0", "Normal"), ("1", "Important"), ("2", "Urgent"), ("3", "Critical")]
UNPLANNED_REASONS = [
    ("no_location", "No coordinates: the site's address could not be located"),
    ("window_impossible", "Time window impossible: it ends before it starts or is too short"),
    ("no_skill", "No technician has all the required skills"),
    ("crew_too_large", "No crew is that large (with the skills needed)"),
    ("too_long", "Longer than any free stretch of a skilled technician in its window"),
    ("no_capacity", "Skilled technicians are fully booked in its window"),
    ("pin_conflict", "Pinned where its technicians cannot be (leave, break or other visit)"),
    ("no_home_base", "Its skilled technicians have no home base (nor has the company an address)"),
]
# a hand write of these places the visit: it becomes planned and pinned (see write)
PLACING = ("planned_start", "technician_ids")
# the customer's arrival window starts on a quarter of an hour
WINDOW_ROUNDING = 15


class CrmServiceOrder(models.Model):
    _name = "crm.service.order"
    _description = "Field Service Order"
    # crm.complaint.remedy.document: only a remedy links its visit (a visit linked by hand
    # would mark another complaint's remedy done when it is done)
    _inherit = [
        "portal.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "crm.complaint.remedy.document",
    ]
    _order = "planned_start, priority desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Reference", required=True, copy=False, readonly=True, default="/")
    summary = fields.Char(required=True, tracking=True, help="What is to be done, in a line.")
    description = fields.Html(groups=INTERNAL)
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        tracking=True,
        index=True,
        check_company=True,
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", store=True, index=True
    )
    site_id = fields.Many2one(
        "res.partner",
        compute="_compute_site_id",
        store=True,
        readonly=False,
        precompute=True,
        check_company=True,
        help="Where the visit takes place: the customer, or one of their delivery addresses.",
    )
    latitude = fields.Float(
        digits=(10, 7), compute="_compute_coordinates", store=True, readonly=False
    )
    longitude = fields.Float(
        digits=(10, 7), compute="_compute_coordinates", store=True, readonly=False
    )
    type_id = fields.Many2one(
        "crm.service.type", string="Service Type", tracking=True, check_company=True
    )
    skill_ids = fields.Many2many(
        "hr.skill",
        string="Required Skills",
        compute="_compute_from_type",
        store=True,
        readonly=False,
        precompute=True,
        groups=INTERNAL,
    )
    duration = fields.Float(
        string="Estimated Duration",
        compute="_compute_from_type",
        store=True,
        readonly=False,
        precompute=True,
        help="Hours on site.",
    )
    crew_size = fields.Integer(
        compute="_compute_from_type", store=True, readonly=False, precompute=True, groups=INTERNAL
    )
    earliest_start = fields.Datetime(tracking=True, groups=INTERNAL)
    latest_end = fields.Datetime(tracking=True, groups=INTERNAL)
    preferred_start = fields.Datetime(string="Customer Prefers From", tracking=True)
    preferred_end = fields.Datetime(string="Customer Prefers Until", tracking=True)
    # not internal: the model's default order sorts on it, for the customer too
    priority = fields.Selection(PRIORITIES, default="0", tracking=True)
    origin = fields.Selection(
        [
            ("sale", "Sales Order"),
            ("complaint", "Complaint"),
            ("opportunity", "Opportunity"),
            ("contract", "Recurring Contract"),
            ("manual", "Manual"),
        ],
        default="manual",
        required=True,
        groups=INTERNAL,
    )
    sale_line_id = fields.Many2one(
        "sale.order.line",
        string="Sales Order Line",
        index="btree_not_null",
        copy=False,
        check_company=True,
        groups=INTERNAL,
    )
    sale_order_id = fields.Many2one(related="sale_line_id.order_id", store=True, index=True)
    lead_id = fields.Many2one(
        "crm.lead",
        string="Opportunity",
        index="btree_not_null",
        check_company=True,
        groups=INTERNAL,
    )
    contract_id = fields.Many2one(
        "crm.service.contract", index="btree_not_null", check_company=True, groups=INTERNAL
    )
    crm_complaint_remedy_id = fields.Many2one(
        "crm.complaint.remedy",
        string="Complaint Remedy",
        readonly=True,
        copy=False,
        groups=INTERNAL,
    )
    # the remedy document's own link to the complaint; complaint_id below is the stored one
    crm_complaint_id = fields.Many2one(string="Remedy of Complaint", groups=INTERNAL)
    complaint_id = fields.Many2one(
        related="crm_complaint_remedy_id.complaint_id",
        string="Complaint",
        store=True,
        index=True,
        groups=INTERNAL,
    )
    due_date = fields.Date(
        copy=False,
        groups=INTERNAL,
        help="When a recurring contract wants this visit; its window is around it.",
    )
    state = fields.Selection(
        [
            ("new", "To Plan"),
            ("planned", "Planned"),
            ("dispatched", "Dispatched"),
            ("in_progress", "In Progress"),
            ("done", "Done"),
            ("cancelled", "Cancelled"),
        ],
        string="Stage",
        default="new",
        required=True,
        tracking=True,
        group_expand=True,
        copy=False,
    )
    technician_ids = fields.Many2many(
        "hr.employee",
        string="Technicians",
        check_company=True,
        tracking=True,
        copy=False,
        domain="[('fs_is_technician', '=', True)]",
        groups=INTERNAL,
    )
    planned_arrival = fields.Datetime(
        string="Arrival",
        copy=False,
        groups=INTERNAL,
        help="When the technicians reach the site (the end of their travel); the service "
        "starts then, or later when they wait for the visit's window.",
    )
    planned_start = fields.Datetime(string="Service Start", tracking=True, copy=False, index=True)
    planned_end = fields.Datetime(copy=False)
    arrival_window_start = fields.Datetime(
        compute="_compute_arrival_window",
        store=True,
        help="The customer is told the technicians arrive between this and the window's end.",
    )
    arrival_window_end = fields.Datetime(compute="_compute_arrival_window", store=True)
    notified_window_start = fields.Datetime(
        string="Customer Told From",
        copy=False,
        readonly=True,
        groups=INTERNAL,
        help="The arrival window the customer was last told; a new plan that moves the visit "
        "out of it tells them again.",
    )
    notified_window_end = fields.Datetime(
        string="Customer Told Until", copy=False, readonly=True, groups=INTERNAL
    )
    route_sequence = fields.Integer(
        string="Stop", copy=False, groups=INTERNAL, help="Its place in the day's route."
    )
    travel_minutes = fields.Integer(string="Travel Before", copy=False, groups=INTERNAL)
    # pinned and unplanned_reason are not internal: the back-office views (which the
    # portal's read access to the model makes Odoo check for portal users too) style every
    # row and form by them
    pinned = fields.Boolean(
        tracking=True,
        copy=False,
        help="Planning again keeps this visit where it is and plans the rest around it.",
    )
    unplanned_reason = fields.Selection(UNPLANNED_REASONS, copy=False, readonly=True)
    plan_id = fields.Many2one(
        "crm.service.plan", copy=False, readonly=True, index=True, groups=INTERNAL
    )
    actual_start = fields.Datetime(copy=False)
    actual_end = fields.Datetime(copy=False)
    time_spent = fields.Float(
        compute="_compute_time_spent",
        store=True,
        readonly=False,
        copy=False,
        groups=INTERNAL,
        help="Hours.",
    )
    worksheet = fields.Html(string="Worksheet Notes", copy=False)
    material_ids = fields.One2many(
        "crm.service.material", "order_id", string="Materials", groups=INTERNAL
    )
    signature = fields.Image(copy=False, attachment=True, max_width=1024, max_height=1024)
    signed_by = fields.Char(copy=False)
    signed_on = fields.Datetime(copy=False)
    customer_response = fields.Selection(
        [
            ("pending", "Awaiting the customer"),
            ("confirmed", "Confirmed by the customer"),
            ("change_requested", "Customer asks for another window"),
        ],
        copy=False,
        tracking=True,
    )
    customer_note = fields.Text(copy=False)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    # what the visit costs the company (the technicians' hourly cost follows from it): the
    # dispatchers' figures, neither the technician's nor the customer's
    time_cost = fields.Monetary(compute="_compute_cost", store=True, groups=COSTS)
    material_cost = fields.Monetary(compute="_compute_cost", store=True, groups=COSTS)
    cost = fields.Monetary(compute="_compute_cost", store=True, tracking=True, groups=COSTS)
    map_url = fields.Char(string="Map Link", compute="_compute_map_url")

    _sql_constraints = [
        ("duration_positive", "CHECK(duration > 0)", "A visit's duration must be positive."),
        ("crew_size_positive", "CHECK(crew_size >= 1)", "A visit needs at least one technician."),
    ]

    @api.depends("partner_id")
    def _compute_site_id(self):
        for order in self:
            if not order.site_id or order.site_id.commercial_partner_id != (
                order.partner_id.commercial_partner_id
            ):
                order.site_id = order.partner_id

    @api.depends("site_id.partner_latitude", "site_id.partner_longitude")
    def _compute_coordinates(self):
        for order in self:
            order.latitude = order.site_id.partner_latitude
            order.longitude = order.site_id.partner_longitude

    @api.depends("type_id")
    def _compute_from_type(self):
        for order in self:
            order.skill_ids = order.type_id.skill_ids
            order.duration = order.type_id.duration or order.duration or 1.0
            order.crew_size = order.type_id.crew_size or order.crew_size or 1

    @api.depends("actual_start", "actual_end", "technician_ids")
    def _compute_time_spent(self):
        for order in self:
            if order.actual_start and order.actual_end:
                seconds = (order.actual_end - order.actual_start).total_seconds()
                order.time_spent = max(seconds, 0) / 3600 * len(order.technician_ids or [1])
            else:
                order.time_spent = order.time_spent or 0.0

    @api.depends("time_spent", "technician_ids", "material_ids.subtotal")
    def _compute_cost(self):
        for order in self:
            technicians = order.technician_ids.sudo()  # hourly costs are the dispatcher's data
            rate = sum(technicians.mapped("fs_hourly_cost")) / (len(technicians) or 1)
            order.time_cost = order.time_spent * rate
            order.material_cost = sum(order.material_ids.mapped("subtotal"))
            order.cost = order.time_cost + order.material_cost

    @api.depends("latitude", "longitude")
    def _compute_map_url(self):
        for order in self:
            order.map_url = (
                f"https://www.openstreetmap.org/?mlat={order.latitude:.6f}"
                f"&mlon={order.longitude:.6f}#map=17/{order.latitude:.6f}/{order.longitude:.6f}"
                if order._fs_located()
                else False
            )

    @api.depends("planned_arrival", "planned_start", "company_id.fs_arrival_window_minutes")
    def _compute_arrival_window(self):
        for order in self:
            arrival = order.sudo().planned_arrival or order.planned_start
            if not arrival:
                order.arrival_window_start = order.arrival_window_end = False
                continue
            order.arrival_window_start, order.arrival_window_end = arrival_window(
                arrival, order.company_id.fs_arrival_window_minutes
            )

    def _compute_access_url(self):
        for order in self:
            order.access_url = f"/my/service-visits/{order.id}"

    @api.constrains("earliest_start", "latest_end", "preferred_start", "preferred_end")
    def _check_windows(self):
        for order in self:
            if (
                order.earliest_start
                and order.latest_end
                and order.latest_end <= order.earliest_start
            ):
                raise ValidationError(
                    self.env._(
                        "%(order)s: the time window ends before it starts. Set the latest end "
                        "after the earliest start.",
                        order=order.display_name,
                    )
                )
            if bool(order.preferred_start) != bool(order.preferred_end) or (
                order.preferred_start and order.preferred_end <= order.preferred_start
            ):
                raise ValidationError(
                    self.env._(
                        "%(order)s: the customer's preferred window needs a start and a later "
                        "end.",
                        order=order.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                company = self.env["res.company"].browse(vals.get("company_id"))
                vals["name"] = (
                    self.env["ir.sequence"]
                    .with_company(company or self.env.company)
                    .next_by_code("crm.service.order")
                    or "/"
                )
            if (
                vals.get("planned_start")
                and vals.get("technician_ids")
                and vals.get("state", "new") == "new"
            ):
                # created already placed (the form, an import): planned and pinned
                vals["state"] = "planned"
                vals.setdefault("pinned", True)
            if vals.get("planned_start") and not vals.get("planned_arrival"):
                vals["planned_arrival"] = vals["planned_start"]
        return super().create(vals_list)

    def write(self, vals):
        moving = "planned_start" in vals and self.filtered(
            lambda o: o.contract_id and o._fs_fixed()
        )
        placing = any(name in vals for name in PLACING) and self.filtered(
            lambda o: o.state in ("new", "planned")
        )
        told = ("planned_start" in vals or "planned_arrival" in vals) and self.sudo().filtered(
            "notified_window_start"
        )
        result = super().write(vals)
        if placing:
            placing._fs_placed_by_hand(vals)
        if told:
            told._fs_tell_customers_moved()
        if "planned_start" in vals:
            # a contract counts its next visits from its fixed ones: it follows them, before
            # and after the move, whoever moved them (a technician has no access to
            # contracts); the open visits it dates itself are not fixed, so its own writes
            # never come back here
            moved = moving | self.filtered(lambda o: o.contract_id and o._fs_fixed())
            moved.contract_id.sudo()._fs_follow_frequency()
        return result

    def _fs_placed_by_hand(self, vals):
        """A dispatcher gave these open visits technicians and a start (form, list, board):
        they are planned and pinned, so that the planner keeps them where they are. What the
        write set itself (its stage, its pin, its end, its arrival) is kept."""
        for order in self:
            if not order.planned_start or not order.technician_ids:
                continue
            update = {"unplanned_reason": False}
            if "state" not in vals and order.state == "new":
                update["state"] = "planned"
            if "pinned" not in vals and not order.pinned:
                update["pinned"] = True
            if "planned_start" in vals:
                if "planned_end" not in vals:
                    update["planned_end"] = order.planned_start + timedelta(hours=order.duration)
                if "planned_arrival" not in vals:
                    update["planned_arrival"] = order.planned_start
            if len(update) > 1 or order.unplanned_reason:
                order.write(update)

    def _fs_tell_customers_moved(self):
        """Mails the customers who were told an arrival window when their visit moved out
        of it (a new plan, a dispatcher's move on the board), with the new window. A move
        that keeps the arrival inside the window they were told tells nobody: the
        technicians still come when the customer expects them. Visits back to plan wait:
        their customer hears when they are placed again.

        The template is rendered once for all of them, in each customer's language, and
        posted on each visit as the mail composer would (same author, recipients and
        layout), without a composer per visit; the mails go to the mail queue, which is
        asked to run now: a move on the board does not wait for the mail server."""
        orders = self.sudo().filtered(
            lambda o: o.state in ("planned", "dispatched")
            and o.notified_window_start
            and not (
                o.notified_window_start
                <= (o.planned_arrival or o.planned_start)
                <= o.notified_window_end
            )
        )
        if not orders:
            return
        template = self.env.ref("crm_sfa_ext.mail_template_field_service_visit_moved")
        rendered = template._generate_template(
            orders.ids, ("subject", "body_html", "email_from", "partner_to")
        )
        langs = template._render_lang(orders.ids)
        comment = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_comment")
        for order in orders:
            values = rendered[order.id]
            # the composer's author: the partner of the rendered sender, else the user
            author_id, email_from = order._message_compute_author(
                None, values["email_from"], raise_on_email=False
            )
            order.message_post(
                subject=values["subject"],
                body=values["body_html"],
                author_id=author_id or self.env.user.partner_id.id,
                email_from=email_from,
                partner_ids=values.get("partner_ids", []),
                subtype_id=comment,
                email_add_signature=False,
                email_layout_xmlid=template.email_layout_xmlid,
                mail_auto_delete=template.auto_delete,
                force_email_lang=langs.get(order.id),
                force_send=False,
            )
            order.write(
                {
                    "notified_window_start": order.arrival_window_start,
                    "notified_window_end": order.arrival_window_end,
                    "customer_response": "pending",
                }
            )
        queue = self.env.ref("mail.ir_cron_mail_scheduler_action", raise_if_not_found=False)
        if queue:
            queue._trigger()

    def action_dispatch(self):
        """Sends the planned visits to their technicians and the customers their window."""
        for order in self:
            if (
                order.state not in ("new", "planned")
                or not order.planned_start
                or not order.technician_ids
            ):
                raise UserError(
                    self.env._(
                        "%(order)s is not planned yet: plan it (Field Service > Planning) or "
                        "give it technicians and a planned start first.",
                        order=order.display_name,
                    )
                )
        self.write({"state": "dispatched", "customer_response": "pending"})
        template = self.env.ref("crm_sfa_ext.mail_template_field_service_visit_planned")
        for order in self:
            order.sudo().write(
                {
                    "notified_window_start": order.arrival_window_start,
                    "notified_window_end": order.arrival_window_end,
                }
            )
            order.message_subscribe(partner_ids=order.partner_id.ids)
            order._portal_ensure_token()
            order.message_post_with_source(template, subtype_xmlid="mail.mt_comment")
        return True

    def action_start(self):
        for order in self:
            if order.state not in ("planned", "dispatched") and not order._fs_placed():
                raise UserError(
                    self.env._(
                        "%(order)s cannot start from stage %(stage)s.",
                        order=order.display_name,
                        stage=dict(self._fields["state"]._description_selection(self.env))[
                            order.state
                        ],
                    )
                )
        self.write({"state": "in_progress", "actual_start": fields.Datetime.now()})
        return True

    def action_done(self):
        """Closes the visit: the time and materials are recorded (stock moves, delivered
        quantities on the sales order), a recurring contract moves its next visits, and the
        document that asked for the visit hears of it (`_fs_on_done`)."""
        for order in self:
            if (
                order.state not in ("dispatched", "in_progress", "planned")
                and not order._fs_placed()
            ):
                raise UserError(
                    self.env._(
                        "%(order)s is not under way: only a planned, dispatched or started "
                        "visit can be marked done.",
                        order=order.display_name,
                    )
                )
        now = fields.Datetime.now()
        for order in self:
            order.write(
                {
                    "state": "done",
                    "actual_start": order.actual_start or order.planned_start or now,
                    "actual_end": order.actual_end or now,
                }
            )
        self.material_ids._fs_consume()
        self.sale_line_id._fs_deliver_time(self)
        self.contract_id.sudo()._fs_follow_frequency()
        self._fs_on_done()
        return True

    def action_cancel(self):
        if self.filtered(lambda o: o.state == "done"):
            raise UserError(self.env._("A visit that is done cannot be cancelled."))
        self.write({"state": "cancelled", "pinned": False})
        # the complaint no longer counts this visit as its remedy (as the system: a
        # dispatcher need not have complaint rights)
        self.crm_complaint_remedy_id.sudo()._remedy_cancelled()
        return True

    def action_reset(self):
        self.filtered(lambda o: o.state == "cancelled").write({"state": "new"})
        return True

    def action_toggle_pin(self):
        for order in self:
            if not order.pinned and (not order.planned_start or not order.technician_ids):
                raise UserError(
                    self.env._(
                        "%(order)s has no technicians and planned start to keep: set them "
                        "before pinning it.",
                        order=order.display_name,
                    )
                )
            order.pinned = not order.pinned
        return True

    def action_open_map(self):
        self.ensure_one()
        if not self.map_url:
            raise UserError(
                self.env._(
                    "%(order)s has no coordinates: locate the site (Locate button) or type "
                    "its latitude and longitude.",
                    order=self.display_name,
                )
            )
        return {"type": "ir.actions.act_url", "url": self.map_url, "target": "new"}

    def action_locate(self):
        """Coordinates from the site's address through base_geolocalize."""
        self.site_id.geo_localize()
        missing = self.filtered(lambda o: not o.site_id._fs_located())
        (self - missing)._compute_coordinates()
        if missing:
            raise UserError(
                self.env._(
                    "No coordinates found for the address of %(sites)s: complete the address "
                    "or type the coordinates on the visit.",
                    sites=", ".join(missing.site_id.mapped("display_name")),
                )
            )
        return True

    def _fs_placed(self):
        """An open visit that has its technicians and a start, however it got them."""
        self.ensure_one()
        return self.state in ("new", "planned") and bool(
            self.planned_start and self.technician_ids
        )

    def _fs_located(self):
        self.ensure_one()
        return bool(self.latitude or self.longitude)

    def _fs_fixed(self):
        """The visit happened or its time is settled: done, started, dispatched, or planned
        and pinned. A recurring contract counts its next visits from these."""
        self.ensure_one()
        return self.state in ("dispatched", "in_progress", "done") or (
            self.state == "planned" and self.pinned
        )

    def _fs_on_done(self):
        """Called once visits are done: the complaint a visit remedies hears of it (its
        remedy is done and costs what the visit cost). Addons that create visits extend it.
        As the system: the technician closing the visit has no complaint rights."""
        self.crm_complaint_remedy_id.sudo()._remedy_done()

    def _fs_customer_confirm(self):
        self.write({"customer_response": "confirmed"})
        for order in self:
            order.message_post(body=self.env._("The customer confirmed the visit window."))

    def _fs_customer_request_window(self, start, end, note=""):
        """The customer asks for another window from the portal: it becomes their preferred
        window, the visit goes back to be planned (unless pinned) and the dispatcher gets an
        activity."""
        self.ensure_one()
        now = fields.Datetime.now()
        if not start or not end or end <= start or start < now:
            raise UserError(self.env._("Choose a window in the future that ends after it starts."))
        if end > now + timedelta(days=REQUEST_DAYS_AHEAD):
            raise UserError(
                self.env._(
                    "Choose a window that ends within %(days)s days from today: we plan visits "
                    "at most that far ahead.",
                    days=REQUEST_DAYS_AHEAD,
                )
            )
        if end - start < timedelta(hours=self.duration):
            raise UserError(
                self.env._(
                    "The window is shorter than the visit (%(hours)s hours): choose a longer "
                    "one.",
                    hours=self.duration,
                )
            )
        if len(note or "") > REQUEST_NOTE_SIZE:
            raise UserError(
                self.env._(
                    "Your note is %(size)s characters long: shorten it to %(limit)s characters "
                    "at most.",
                    size=len(note),
                    limit=REQUEST_NOTE_SIZE,
                )
            )
        vals = {
            "preferred_start": start,
            "preferred_end": end,
            "customer_response": "change_requested",
            "customer_note": note,
        }
        if self.latest_end and self.latest_end < end:
            vals["latest_end"] = end
        if self.earliest_start and self.earliest_start > start:
            vals["earliest_start"] = start
        if self.state in ("planned", "dispatched") and not self.pinned:
            vals["state"] = "new"
        self.write(vals)
        self.message_post(
            body=self.env._(
                "The customer asks for another window: %(start)s - %(end)s. %(note)s",
                start=fields.Datetime.to_string(start),
                end=fields.Datetime.to_string(end),
                note=note or "",
            )
        )
        dispatcher = self.plan_id.create_uid or self.create_uid
        if dispatcher.share or not dispatcher.active:
            dispatcher = self.env.ref("base.user_admin")
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.env._("Plan the visit in the customer's new window"),
            user_id=dispatcher.id,
        )


def arrival_window(arrival, width_minutes):
    """(start, end) of the window the customer is told for an arrival: `width_minutes`
    wide around it, starting on a quarter of an hour (the arrival itself without a width)."""
    if not width_minutes or width_minutes <= 0:
        return arrival, arrival
    start = arrival - timedelta(minutes=width_minutes / 2)
    start = datetime(start.year, start.month, start.day, start.hour) + timedelta(
        minutes=start.minute // WINDOW_ROUNDING * WINDOW_ROUNDING
    )
    return start, start + timedelta(minutes=width_minutes)
