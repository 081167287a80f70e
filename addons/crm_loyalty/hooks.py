from odoo.tools import SQL


def uninstall_hook(env):
    """The demo programmes leave with the addon, and so must their members' cards: the demo's
    orders and segment offer made them, so they have no xml id of their own, and a card keeps
    its programme from being deleted. Only programmes with an xml id of this addon are
    concerned (the demo's: the addon's data creates none); a programme a user created stays,
    with its cards."""
    env.cr.execute(
        SQL(
            """SELECT c.id FROM loyalty_card c
                 JOIN ir_model_data d ON d.res_id = c.program_id
                WHERE d.module = 'crm_loyalty' AND d.model = 'loyalty.program'"""
        )
    )
    card_ids = tuple(row[0] for row in env.cr.fetchall())
    _remove_demo_entries(env)
    if not card_ids:
        return
    # an order line keeps the card it used (ondelete restrict); the demo's orders go too
    env.cr.execute(
        SQL("UPDATE sale_order_line SET coupon_id = NULL WHERE coupon_id IN %s", card_ids)
    )
    # their ledger lines, tier history and order points go with them (ondelete cascade)
    env.cr.execute(SQL("DELETE FROM loyalty_card WHERE id IN %s", card_ids))
    env.invalidate_all()


def _remove_demo_entries(env):
    """The demo programme's points are posted at install in the demo's loyalty journal, and
    Odoo deletes no account nor journal that holds entries: the demo's own entries (only
    those of its journal) are reset to draft and deleted first, so that its accounts and
    journal leave with the addon."""
    journal = env.ref("crm_loyalty.account_journal_loyalty_demo", raise_if_not_found=False)
    if not journal:
        return
    moves = env["account.move"].search([("journal_id", "=", journal.id)])
    moves.filtered(lambda move: move.state == "posted").button_draft()
    moves.with_context(force_delete=True).unlink()
