import { afterEach, describe, expect, test } from "@odoo/hoot";
import { queryAllTexts } from "@odoo/hoot-dom";
import { mockDate } from "@odoo/hoot-mock";
import { defineMailModels } from "@mail/../tests/mail_test_helpers";
import {
    defineModels,
    fields,
    models,
    mountView,
    patchTranslations,
    patchWithCleanup,
    toggleMenuItem,
    toggleMenuItemOption,
    toggleSearchBarMenu,
} from "@web/../tests/web_test_helpers";
import { Domain } from "@web/core/domain";
import { localization } from "@web/core/l10n/localization";
import { setSolarHijriCalendar } from "@base_solar_hijri/core/luxon_patch";
import { solarHijriDateFilterDomain } from "@base_solar_hijri/search/search_model_patch";

const { DateTime } = luxon;

class SolarSale extends models.Model {
    _name = "solar.sale";

    date = fields.Date({ string: "Date" });
    amount = fields.Float({ string: "Amount", aggregator: "sum" });

    _records = [
        { id: 1, date: "2026-03-25", amount: 10 }, // 5 Farvardin 1405
        { id: 2, date: "2026-03-05", amount: 5 }, // 14 Esfand 1404
        { id: 3, date: "2026-02-25", amount: 7 }, // 6 Esfand 1404
        { id: 4, date: "2025-04-01", amount: 3 }, // 12 Farvardin 1404
    ];
}

// the addon depends on mail: its services run in the web client under test
defineMailModels();
defineModels([SolarSale]);

describe("comparison", () => {
    afterEach(() => setSolarHijriCalendar(false));

    test("the previous period and year of Solar Hijri periods are Solar Hijri", () => {
        patchTranslations();
        patchWithCleanup(localization, { direction: "ltr" });
        setSolarHijriCalendar(true);
        // 16 Farvardin 1405
        const reference = DateTime.fromISO("2026-04-05T10:00:00").setLocale("en");
        const dateFilter = { fieldName: "date", fieldType: "date", domain: "[]" };
        const compare = (ids, option) =>
            solarHijriDateFilterDomain(reference, dateFilter, ids, option);
        const between = (...bounds) => {
            const ranges = [];
            for (let i = 0; i < bounds.length; i += 2) {
                ranges.push(
                    new Domain(["&", ["date", ">=", bounds[i]], ["date", "<=", bounds[i + 1]]])
                );
            }
            return Domain.and([Domain.combine(ranges, "OR"), "[]"]).toString();
        };

        const month = compare(["month", "year"], "previous_period");
        expect(month.description).toBe("Esfand 1404");
        expect(month.domain.toString()).toBe(between("2026-02-20", "2026-03-20"));
        const lastYear = compare(["month", "year"], "previous_year");
        expect(lastYear.description).toBe("Farvardin 1404");
        expect(lastYear.domain.toString()).toBe(between("2025-03-21", "2025-04-20"));
        // the first quarter (Farvardin-Khordad) against the last one of the year before
        const quarter = compare(["first_quarter", "year"], "previous_period");
        expect(quarter.description).toBe("Q4 1404");
        expect(quarter.domain.toString()).toBe(between("2025-12-22", "2026-03-20"));
        const year = compare(["year"], "previous_period");
        expect(year.description).toBe("1404");
        expect(year.domain.toString()).toBe(between("2025-03-21", "2026-03-20"));
    });

    test("a pivot compares Farvardin 1405 with Esfand 1404", async () => {
        patchTranslations();
        patchWithCleanup(localization, { direction: "ltr" });
        mockDate("2026-04-05T10:00:00");
        setSolarHijriCalendar(true);
        await mountView({
            type: "pivot",
            resModel: "solar.sale",
            arch: `<pivot><field name="amount" type="measure"/></pivot>`,
            searchViewArch: `<search><filter name="date" date="date" string="Date"/></search>`,
        });
        await toggleSearchBarMenu();
        await toggleMenuItem("Date");
        await toggleMenuItemOption("Date", "Farvardin");
        await toggleMenuItem("Date: Previous Period");
        const headers = queryAllTexts(".o_pivot thead th");
        expect(headers).toInclude("Farvardin 1405");
        expect(headers).toInclude("Esfand 1404");
        // the amounts of each Solar Hijri month, not of March and February
        const cells = queryAllTexts(".o_pivot tbody tr:first-child td");
        expect(cells).toInclude("10.00");
        expect(cells).toInclude("12.00");
    });
});
