import * as PosLoyalty from "@pos_loyalty/../tests/tours/utils/pos_loyalty_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import { registry } from "@web/core/registry";

// A Gold member (points x2) buys two pens (6.40): the till shows the points the ledger books.
registry.category("web_tour.tours").add("PosCrmLoyaltyTierTour", {
    // each step may wait 30 s rather than 10: the order's sync took 8 s of SQL once on two
    // cores busy with other runs, and the receipt screen waits for it
    timeout: 30000,
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            ProductScreen.clickPartnerButton(),
            ProductScreen.clickCustomer("Gold Till Member"),
            ProductScreen.addOrderline("Whiteboard Pen", "2"),
            PosLoyalty.orderTotalIs("6.40"),
            PosLoyalty.pointsAwardedAre("12.8"),
            PosLoyalty.finalizeOrder("Cash", "10"),
        ].flat(),
});
