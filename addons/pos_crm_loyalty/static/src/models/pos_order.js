import { PosOrder } from "@point_of_sale/app/models/pos_order";
import { patch } from "@web/core/utils/patch";

// The till agrees with the points ledger (pos_crm_loyalty): the points a member earns are
// shown times their tier's multiplier (the server books them so; the till still sends the
// base points), rewards for some tiers only are offered to members of those tiers, and
// programmes for some customers only apply to those customers.
patch(PosOrder.prototype, {
    _crmCard(couponId) {
        return this.models["loyalty.card"].get(parseInt(couponId));
    },
    getLoyaltyPoints() {
        const stats = super.getLoyaltyPoints(...arguments);
        for (const stat of stats) {
            const factor = this._crmCard(stat.couponId)?.crm_pos_multiplier || 1;
            if (factor !== 1 && stat.points.won > 0) {
                const won = parseFloat((stat.points.won * factor).toFixed(2));
                stat.points.total = parseFloat(
                    (stat.points.total - stat.points.won + won).toFixed(2)
                );
                stat.points.won = won;
            }
        }
        return stats;
    },
    getClaimableRewards() {
        return super.getClaimableRewards(...arguments).filter(({ coupon_id, reward }) => {
            const tiers = reward.crm_pos_tier_ids || [];
            if (!tiers.length) {
                return true;
            }
            const card = this._crmCard(coupon_id);
            return Boolean(card && tiers.includes(card.crm_pos_tier));
        });
    },
    _programIsApplicable(program) {
        if (program.crm_pos_limited) {
            const partner = this.get_partner();
            const allowed = partner?.crm_pos_program_ids || [];
            if (!allowed.some((p) => (p.id ?? p) === program.id)) {
                return false;
            }
        }
        return super._programIsApplicable(...arguments);
    },
});
