"""Flags the ledger raises while its own code writes, kept on the server.

A client sends any context it likes with any call (`/web/dataset/call_kw`), so no check of
the ledger may be switched off by a context key. The two moments when the ledger's guards
step aside are marked instead in the database cursor's own cache (`cr.cache`), which no
client reaches: a flag is raised by this addon's code around the call that needs it and
lowered when that call returns or fails.

LEDGER_WRITING
    The ledger itself writes: points and tiers of cards, ledger lines and lots
    (`loyalty.history._crm_book`, the tier refresh, the opening of a programme's ledger,
    segment offers). Raised only by private methods, never reachable over RPC.
ORDER_SYNC
    A sale_loyalty flow is running (confirmation, cancellation, reward lines): its own
    arithmetic on the points of ledger cards is left out, and the order sync books what the
    order earned and redeemed instead (`sale.order._crm_sync_loyalty`).
"""

from contextlib import contextmanager

LEDGER_WRITING = "crm_loyalty.ledger_writing"
ORDER_SYNC = "crm_loyalty.order_sync"


@contextmanager
def raised(env, flag):
    """Raise `flag` for the duration of the `with` block (nested blocks count)."""
    cache = env.cr.cache
    cache[flag] = cache.get(flag, 0) + 1
    try:
        yield
    finally:
        cache[flag] -= 1


def is_raised(env, flag):
    return env.cr.cache.get(flag, 0) > 0
