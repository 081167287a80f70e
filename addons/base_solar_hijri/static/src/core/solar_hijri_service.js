/**
 * Weeks of a Solar Hijri user start on Saturday (pickers, calendar view, search filters),
 * whatever the language's own first day of the week.
 */
import { localization } from "@web/core/l10n/localization";
import { registry } from "@web/core/registry";
import { isSolarHijriActive } from "./luxon_patch";

export const SATURDAY = 6;

export const solarHijriService = {
    dependencies: ["localization"],
    start() {
        if (isSolarHijriActive()) {
            localization.weekStart = SATURDAY;
        }
    },
};

registry.category("services").add("base_solar_hijri", solarHijriService);
