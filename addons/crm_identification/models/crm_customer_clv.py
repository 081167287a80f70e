import numpy as np

from odoo import models
from odoo.tools import SQL

from ..lib import clv

# Rows written back per statement when storing lifetime-value predictions.
CLV_BATCH = 200_000
# lifetime-value predictions travel to the database as integers: P(alive) and expected
# orders in millionths, values in thousandths (three decimals cover the currencies; a
# value in Iranian rials still fits an int8 up to 9e15)
CLV_SCALE = 1_000_000
VALUE_SCALE = 1_000


class CrmCustomerClv(models.AbstractModel):
    """Step 2 of the customer-insight refresh: each customer's lifetime value, from the
    figures of step 1 (crm_fig), by the model of `lib/clv.py`, into the temporary table
    crm_clv (partner_id, p_alive, expected_orders, clv, clv_method). The model is fitted on
    a thread while the database counts the baskets; the fitted model is kept on the company
    (crm_clv_params) and reused each night for the customers whose figures changed."""

    _name = "crm.customer.clv"
    _description = "Customer Lifetime Value (refresh step)"

    def _stored_fit(self, company):
        """The lifetime-value model of the company's last full refresh, for the same
        horizon and discount rate, as a FitResult; None when there is none to reuse."""
        stored = company.crm_clv_params
        if (
            not company.crm_clv_method
            or not isinstance(stored, dict)
            or stored.get("horizon") != company.crm_clv_horizon_days
            or stored.get("discount") != company.crm_clv_discount_rate
        ):
            return None
        return clv.FitResult(
            company.crm_clv_method,
            params=dict(stored.get("params") or {}),
            reason=company.crm_clv_reason or "",
            repeat_customers=company.crm_clv_repeat_customers,
            spend_reason=stored.get("spend_reason") or "",
        )

    def _start(self, company, window, pool, fitted=None):
        """Begun: read the customers' history for the lifetime-value model and hand
        it to `pool` (a thread), which predicts P(alive), expected orders and lifetime value
        (or the historical value, saying why), with no database, while the database goes on
        with the next step. Without `fitted` (a FitResult), the model is fitted on every
        customer first and everyone is predicted; with it, only the customers whose
        figures changed (`fresh`) are, by that model: the others keep the prediction of
        the day their sales last changed, until the weekly recount fits the model again.
        Returns the pending prediction for `_store`, None when there is no customer."""
        self.env.cr.execute(
            """
            CREATE TEMP TABLE crm_clv (partner_id int, p_alive float8, expected_orders float8,
                                       clv float8, clv_method varchar) ON COMMIT DROP
            """
        )
        self.env.cr.execute(
            SQL(
                """
            SELECT string_agg(partner_id::text, ','),
                   string_agg((purchase_days - 1)::text, ','),
                   string_agg((last_day - first_day)::text, ','),
                   string_agg((%(as_of)s - first_day)::text, ','),
                   string_agg(ROUND(first_value::numeric, 6)::text, ','),
                   string_agg(ROUND(total_value::numeric, 6)::text, ',')
              FROM (SELECT * FROM crm_fig WHERE %(which)s ORDER BY partner_id) ordered
            """,
                as_of=window.as_of,
                which=SQL("fresh") if fitted else SQL("TRUE"),
            )
        )
        row = self.env.cr.fetchone()
        if not row or not row[0]:
            return None
        return pool.submit(
            _predict_lifetime_values,
            row,
            company.crm_clv_horizon_days,
            company.crm_clv_discount_rate / 100.0,
            fitted,
        )

    def _store(self, company, pending, fitted=None):
        """Ended: wait for the prediction begun by `_start`, note on the company
        how a model fitted anew was made, and put P(alive), expected orders (NULL where not
        estimated), lifetime value and its method of the customers predicted in the
        temporary table crm_clv."""
        if pending is None:
            if not fitted:
                company.sudo().write(
                    {
                        "crm_clv_method": False,
                        "crm_clv_reason": False,
                        "crm_clv_repeat_customers": 0,
                        "crm_clv_params": False,
                    }
                )
            return
        result, chunks = pending.result()
        if not fitted:
            company.sudo().write(
                {
                    "crm_clv_method": result.method,
                    "crm_clv_reason": result.reason or "fitted",
                    "crm_clv_repeat_customers": result.repeat_customers,
                    "crm_clv_params": {
                        "horizon": company.crm_clv_horizon_days,
                        "discount": company.crm_clv_discount_rate,
                        "params": result.params,
                        "dropped": result.dropped,
                        "spend_reason": result.spend_reason,
                    },
                }
            )
        for ids, p_alive, orders, clv_value in chunks:
            # p_alive and expected orders are NULL where not estimated (empty in the text)
            self.env.cr.execute(
                SQL(
                    """
                INSERT INTO crm_clv (partner_id, p_alive, expected_orders, clv, clv_method)
                SELECT *, CASE WHEN p IS NULL THEN 'historical' ELSE 'model' END
                  FROM (SELECT unnest(string_to_array(%(ids)s, ',')::int[]),
                               unnest(string_to_array(%(p)s, ',', '')::int8[])
                                   / %(scale)s::float8 AS p,
                               unnest(string_to_array(%(o)s, ',', '')::int8[])
                                   / %(scale)s::float8,
                               unnest(string_to_array(%(c)s, ',')::int8[])
                                   / %(value_scale)s::float8) predicted
                """,
                    scale=CLV_SCALE,
                    value_scale=VALUE_SCALE,
                    ids=ids,
                    p=p_alive,
                    o=orders,
                    c=clv_value,
                )
            )
        self.env.cr.execute("ANALYZE crm_clv")


def _predict_lifetime_values(columns, horizon, annual_rate, fitted=None):
    """The part of the lifetime-value step that needs no database, run on a thread: from the
    comma-separated columns (partner ids, repeat purchases - days with an order after the
    first -, days from the first to the last purchase, days since the first purchase, value
    of the first purchase - the first day's orders -, total value, refunds included),
    fit the model (unless `fitted` gives it) and predict P(alive), expected orders and
    lifetime value of each customer over `horizon` days (`lib/clv.py`). Returns the fit
    result and, per batch of CLV_BATCH customers, the texts of the partner ids and of the
    three predictions, scaled to integers (empty where not estimated), for
    string_to_array."""
    ids, x, t_x, T, first, total = (np.fromstring(column, sep=",") for column in columns)
    # the mean value of the repeat purchases, the first one left out (Gamma-Gamma's input)
    m = clv.repeat_mean(x, first, total)
    result = fitted or clv.fit(x, t_x, T, m)
    predicted = clv.predict(result, horizon, x, t_x, T, m, total, annual_rate)
    chunks = []
    for start in range(0, len(ids), CLV_BATCH):
        chunk = slice(start, start + CLV_BATCH)
        chunks.append(
            (
                ",".join(map(str, ids[chunk].astype(int).tolist())),
                _join_scaled(predicted.p_alive[chunk]),
                _join_scaled(predicted.expected_orders[chunk]),
                _join_scaled(predicted.value[chunk], VALUE_SCALE),
            )
        )
    return result, chunks


def _join_scaled(values, scale=CLV_SCALE):
    """Floats as a comma-separated string of integers (values x scale) for
    string_to_array, NaN as an empty item (NULL): integers print several times faster
    than floats, and the same float always gives the same text, so that a second run
    finds nothing changed."""
    clean = np.nan_to_num(values, nan=np.nan, posinf=0.0, neginf=0.0)
    missing = np.isnan(clean)
    scaled = np.rint(np.where(missing, 0.0, clean) * scale).astype(np.int64).tolist()
    if not missing.any():
        return ",".join(map(str, scaled))
    return ",".join("" if gone else str(v) for v, gone in zip(scaled, missing, strict=True))
