import logging
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tools import SQL, float_round

from .crm_loyalty_point_value import point_value_sql

_logger = logging.getLogger(__name__)

# how a ledger kind is booked: its counterpart of the liability account (see
# loyalty_history.LEDGER_KINDS); a kind missing here is goodwill
POSTING_GROUPS = {
    "earn": "revenue",
    "clawback": "revenue",
    "redeem": "revenue",
    "giveback": "revenue",
    "expire": "breakage",
}
# the SQL of the same map, for the set-based aggregation
POSTING_GROUP_SQL = SQL(
    "CASE WHEN h.crm_kind IN ('earn', 'clawback', 'redeem', 'giveback') THEN 'revenue' "
    "WHEN h.crm_kind = 'expire' THEN 'breakage' ELSE 'goodwill' END"
)
ACCOUNT_FIELDS = {
    "revenue": "crm_revenue_account_id",
    "breakage": "crm_breakage_account_id",
    "goodwill": "crm_goodwill_account_id",
}
ACCOUNTANT = "account.group_account_invoice"
MANAGER = "crm_loyalty.group_crm_loyalty_manager"


class CrmLoyaltyAccounting(models.AbstractModel):
    """The points liability in the books: the daily journal entries of the points ledger
    and their reconciliation with the liability account.

    Each programme with a journal and accounts gets one entry per day: the points issued,
    redeemed and expired that day (the ledger lines not posted yet), priced at the value
    of a point of that day (crm.loyalty.point.value), against the liability account:
    points earned on sales and their redemption against the points revenue account (a
    clawback or give-back reverses them in the same lines), expiry against breakage
    income, points given by hand, as compensation, by offers or transfers against the
    goodwill expense. A last line revalues the points outstanding when the value of a
    point changed (and carries the cent of rounding), so that the liability account holds
    the outstanding points times the day's value after every entry."""

    _name = "crm.loyalty.accounting"
    _description = "Loyalty Points Accounting"

    @api.model
    def _crm_check_rights(self):
        if not self.env.su and not (
            self.env.user.has_group(MANAGER) and self.env.user.has_group(ACCOUNTANT)
        ):
            raise AccessError(
                self.env._(
                    "Posting the loyalty points takes a Loyalty Manager who also has "
                    "Invoicing rights: ask your administrator for both."
                )
            )

    @api.model
    def _crm_programs(self, programs=None):
        """The ledger programmes whose points are posted (a journal and all four accounts)."""
        domain = [
            ("crm_enabled", "=", True),
            ("crm_journal_id", "!=", False),
            ("crm_liability_account_id", "!=", False),
            ("crm_revenue_account_id", "!=", False),
            ("crm_breakage_account_id", "!=", False),
            ("crm_goodwill_account_id", "!=", False),
        ]
        if programs is not None:
            domain.append(("id", "in", programs.ids))
        return self.env["loyalty.program"].sudo().with_context(active_test=False).search(domain)

    @api.model
    def _crm_post(self, programs=None, up_to=None, check_rights=False):
        """Post the ledger lines of `programs` (every posted programme when None) booked up
        to the day `up_to` (included): one journal entry per programme and day. Returns the
        entries (account.move) posted. Safe to run twice: a posted line is never posted
        again.

        Steps: sum the unposted ledger lines per programme, day and posting group in one
        statement (loyalty_history, loyalty_card); read the days the value of a point
        changed since the programme's last entry (crm_loyalty_point_value, account_move),
        what each programme's liability account holds and the points posted so far
        (account_move_line, loyalty_history); build the entries day by day, priced at each
        day's value; create and post them through the ORM in one batch (account_move,
        account_move_line); link the lines to their entry in one statement
        (loyalty_history.crm_move_id)."""
        if check_rights:
            self._crm_check_rights()
        programs = self._crm_programs(programs)
        up_to = up_to or fields.Date.context_today(self)
        if not programs:
            return self.env["account.move"]
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            SQL(
                """
                SELECT c.program_id, h.crm_date::date AS day,
                       %(group)s AS posting_group,
                       SUM(COALESCE(h.issued, 0) - COALESCE(h.used, 0))
                  FROM loyalty_history h
                  JOIN loyalty_card c ON c.id = h.card_id
                 WHERE h.crm_kind IS NOT NULL AND h.crm_move_id IS NULL
                   AND c.program_id = ANY(%(programs)s) AND h.crm_date < %(before)s
                 GROUP BY 1, 2, 3
                """,
                group=POSTING_GROUP_SQL,
                programs=programs.ids,
                before=up_to + timedelta(days=1),
            )
        )
        days = defaultdict(lambda: defaultdict(dict))
        for program_id, day, group, points in cr.fetchall():
            days[program_id][day][group] = points or 0.0
        # what the books hold: the liability of each programme, the points posted, the day
        # of the last entry (from which on a change of the value revalues)
        cr.execute(
            SQL(
                """
                SELECT m.crm_loyalty_program_id, MAX(m.date),
                       -SUM(l.balance) FILTER (WHERE l.account_id = p.crm_liability_account_id)
                  FROM account_move m
                  JOIN loyalty_program p ON p.id = m.crm_loyalty_program_id
                  JOIN account_move_line l ON l.move_id = m.id
                 WHERE m.crm_loyalty_program_id = ANY(%s) AND m.state = 'posted'
                 GROUP BY 1
                """,
                programs.ids,
            )
        )
        booked = {row[0]: (row[1], row[2] or 0.0) for row in cr.fetchall()}
        cr.execute(
            SQL(
                """
                SELECT c.program_id, SUM(COALESCE(h.issued, 0) - COALESCE(h.used, 0))
                  FROM loyalty_history h
                  JOIN loyalty_card c ON c.id = h.card_id
                 WHERE h.crm_move_id IS NOT NULL AND c.program_id = ANY(%s)
                 GROUP BY 1
                """,
                programs.ids,
            )
        )
        posted_points = dict(cr.fetchall())
        history = self.env["crm.loyalty.point.value"]._crm_values(programs)
        for program in programs:
            last = booked.get(program.id, (None, 0.0))[0]
            for date_from, __ in history[program.id]:
                # a new value revalues the points already in the books on its day
                if last and last < date_from <= up_to and posted_points.get(program.id):
                    days[program.id].setdefault(date_from, {})
        vals_list, keys = [], []
        for program in programs:
            liability = booked.get(program.id, (None, 0.0))[1]
            points = posted_points.get(program.id, 0.0)
            for day in sorted(days.get(program.id, {})):
                groups = days[program.id][day]
                value = self.env["crm.loyalty.point.value"]._crm_value_on(
                    history[program.id], day, program.crm_point_value
                )
                vals, liability, points = self._crm_entry_vals(
                    program, day, groups, value, liability, points
                )
                vals_list.append(vals)
                keys.append((program.id, day))
        if not vals_list:
            return self.env["account.move"]
        Move = self.env["account.move"].sudo() if self.env.su else self.env["account.move"]
        moves = Move.with_context(tracking_disable=True).create(vals_list)
        moves._post(soft=False)
        cr.execute(
            SQL(
                """
                UPDATE loyalty_history h SET crm_move_id = v.move_id
                  FROM unnest(%s::int[], %s::date[], %s::int[]) AS v(program_id, day, move_id),
                       loyalty_card c
                 WHERE c.id = h.card_id AND c.program_id = v.program_id
                   AND h.crm_kind IS NOT NULL AND h.crm_move_id IS NULL
                   AND h.crm_date >= v.day AND h.crm_date < v.day + 1
                """,
                [key[0] for key in keys],
                [key[1] for key in keys],
                moves.ids,
            )
        )
        self.env["loyalty.history"].invalidate_model(["crm_move_id"])
        return moves

    @api.model
    def _crm_entry_vals(self, program, day, groups, value, liability, points):
        """The journal entry of `program` on `day`: `groups` {posting group: net points},
        at `value` a point, after a liability account holding `liability` for `points`.
        Returns (the entry's values, the liability and the points after it)."""
        currency = program.company_id.currency_id or self.env.company.currency_id
        labels = {
            "revenue": self.env._("Points earned and redeemed"),
            "breakage": self.env._("Points expired (breakage)"),
            "goodwill": self.env._("Points granted (goodwill)"),
        }
        points = points + sum(groups.values())
        target = currency.round(points * value)
        delta = currency.round(target - liability)
        lines = []
        counterpart = 0.0
        for group in ("revenue", "breakage", "goodwill"):
            if group not in groups:
                continue
            amount = currency.round(groups[group] * value)
            counterpart += amount
            lines.append(
                (
                    labels[group],
                    program[ACCOUNT_FIELDS[group]],
                    amount,
                    groups[group],
                )
            )
        revaluation = currency.round(delta - counterpart)
        if not currency.is_zero(revaluation):
            lines.append(
                (
                    self.env._("Revaluation of the outstanding points"),
                    program.crm_goodwill_account_id,
                    revaluation,
                    0.0,
                )
            )
        lines.append(
            (self.env._("Points liability"), program.crm_liability_account_id, -delta, 0.0)
        )
        ref = self.env._(
            "Loyalty points: %(program)s, %(day)s", program=program.name, day=day.isoformat()
        )
        vals = {
            "move_type": "entry",
            "journal_id": program.crm_journal_id.id,
            "company_id": program.crm_journal_id.company_id.id,
            "date": day,
            "ref": ref,
            "crm_loyalty_program_id": program.id,
            "line_ids": [
                Command.create(
                    {
                        "name": label
                        if not points_moved
                        else self.env._(
                            "%(label)s: %(points)s at %(value)s",
                            label=label,
                            points=float_round(points_moved, 2),
                            value=value,
                        ),
                        "account_id": account.id,
                        "debit": max(amount, 0.0),
                        "credit": max(-amount, 0.0),
                    }
                )
                for label, account, amount, points_moved in lines
            ],
        }
        return vals, target, points

    @api.model
    def _crm_reconcile(self, day, programs=None):
        """The reconciliation of the points liability on `day` (end of the day), per posted
        programme: a list of dicts with program (a loyalty.program), points (the ledger's
        balance), value (of a point that day), expected (points times value), booked (the
        liability account's balance from the programme's entries), difference, unposted
        (ledger lines of the day or before not posted yet). Three queries."""
        programs = self._crm_programs(programs)
        if not programs:
            return []
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            SQL(
                """
                SELECT p.id, COALESCE(SUM(COALESCE(h.issued, 0) - COALESCE(h.used, 0)), 0),
                       COUNT(h.id) FILTER (WHERE h.crm_move_id IS NULL),
                       %(value)s
                  FROM loyalty_program p
             LEFT JOIN loyalty_card c ON c.program_id = p.id
             LEFT JOIN loyalty_history h ON h.card_id = c.id AND h.crm_kind IS NOT NULL
                       AND h.crm_date < %(before)s
                 WHERE p.id = ANY(%(programs)s)
                 GROUP BY p.id
                """,
                value=point_value_sql(SQL("p.id"), day),
                before=day + timedelta(days=1),
                programs=programs.ids,
            )
        )
        ledger_rows = {row[0]: row[1:] for row in cr.fetchall()}
        cr.execute(
            SQL(
                """
                SELECT m.crm_loyalty_program_id, -SUM(l.balance)
                  FROM account_move m
                  JOIN loyalty_program p ON p.id = m.crm_loyalty_program_id
                  JOIN account_move_line l ON l.move_id = m.id
                       AND l.account_id = p.crm_liability_account_id
                 WHERE m.crm_loyalty_program_id = ANY(%s) AND m.state = 'posted'
                   AND m.date <= %s
                 GROUP BY 1
                """,
                programs.ids,
                day,
            )
        )
        books = dict(cr.fetchall())
        rows = []
        for program in programs:
            points, unposted, value = ledger_rows.get(program.id, (0.0, 0, 0.0))
            currency = program.company_id.currency_id or self.env.company.currency_id
            expected = currency.round(points * value)
            booked = currency.round(books.get(program.id) or 0.0)
            rows.append(
                {
                    "program": program,
                    "points": points,
                    "value": value,
                    "expected": expected,
                    "booked": booked,
                    "difference": currency.round(expected - booked),
                    "unposted": unposted,
                }
            )
        return rows

    @api.model
    def _cron_post_entries(self):
        """Post the days that are over (up to yesterday) of every posted programme."""
        yesterday = fields.Date.context_today(self) - timedelta(days=1)
        moves = self._crm_post(up_to=yesterday)
        if moves:
            _logger.info("Loyalty: posted %s journal entries of points", len(moves))
        self.env["ir.cron"]._notify_progress(done=len(moves), remaining=0)

    @api.model
    def _crm_check_configuration(self, program):
        if program not in self._crm_programs(program):
            raise UserError(
                self.env._(
                    "%(program)s has no journal or accounts for its points: set the Points "
                    "Journal and the four accounts on the programme's Accounting tab.",
                    program=program.name,
                )
            )
