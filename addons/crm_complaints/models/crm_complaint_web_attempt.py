from datetime import timedelta

from odoo import api, fields, models
from odoo.sql_db import Cursor
from odoo.tools import SQL

# the advisory-lock class of the public form's counters (the first key of
# pg_advisory_xact_lock(int, int); the second is the hash of the counted key)
LOCK_CLASS = 0x434D5057  # "CMPW"
WINDOW = timedelta(hours=1)


class CrmComplaintWebAttempt(models.Model):
    """One try of the public complaint form, under each key it counts for ("ip:<address>",
    "email:<address>"): what its hourly limit counts. Written and read only by `_take`, in
    SQL, in a transaction of its own; rows older than the window are removed by the daily
    autovacuum."""

    _name = "crm.complaint.web.attempt"
    _description = "Public Complaint Form Try"
    _order = "date desc, id desc"
    _log_access = False

    key = fields.Char(required=True, index=True, readonly=True)
    date = fields.Datetime(required=True, index=True, readonly=True)

    @api.model
    def _take(self, keys, limit):
        """Count one try under each of `keys`; True when none of them had `limit` tries in
        the last hour before this one. Committed at once in its own transaction: a refused
        or failed try counts, and simultaneous tries see each other (`_take_with`)."""
        with self.env.registry.cursor() as cr:
            return self._take_with(cr, keys, limit)

    @api.model
    def _take_with(self, cr, keys, limit):
        """`_take` on the fresh cursor `cr` (its transaction not started).

        The transaction runs in READ COMMITTED (a database cursor of Odoo is REPEATABLE
        READ, whose snapshot would predate the tries committed while it waited): it locks
        each key (pg_advisory_xact_lock, in key order: no deadlock), counts the key's tries
        of the window (committed before the lock was granted), records this one, and
        releases the locks on commit. A test cursor shares the test's transaction: there
        the requests run one at a time anyway."""
        if isinstance(cr, Cursor):
            cr.execute(SQL("SET TRANSACTION ISOLATION LEVEL READ COMMITTED"))
        keys = sorted(set(keys))
        for key in keys:
            cr.execute(SQL("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", LOCK_CLASS, key))
        now = fields.Datetime.now()
        cr.execute(
            SQL(
                "SELECT key, count(*) FROM crm_complaint_web_attempt"
                " WHERE key IN %s AND date > %s GROUP BY key",
                tuple(keys),
                now - WINDOW,
            )
        )
        counts = dict(cr.fetchall())
        cr.execute(
            SQL(
                "INSERT INTO crm_complaint_web_attempt (key, date)"
                " SELECT unnest(%s::varchar[]), %s",
                keys,
                now,
            )
        )
        return all(counts.get(key, 0) < limit for key in keys)

    @api.autovacuum
    def _gc_attempts(self):
        """Forget the tries older than the window: they no longer count."""
        self.env.cr.execute(
            SQL(
                "DELETE FROM crm_complaint_web_attempt WHERE date <= %s",
                fields.Datetime.now() - WINDOW,
            )
        )
