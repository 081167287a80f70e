import { afterEach, beforeEach, describe, expect, test } from "@odoo/hoot";
import { queryAllTexts, queryOne } from "@odoo/hoot-dom";
import { animationFrame, mockDate } from "@odoo/hoot-mock";
import { registries, tokenize } from "@odoo/o-spreadsheet";
import { mountWithCleanup, patchTranslations } from "@web/../tests/web_test_helpers";
import { defineSpreadsheetModels } from "@spreadsheet/../tests/helpers/data";
import { createSpreadsheetWithPivot } from "@spreadsheet/../tests/helpers/pivot";
import {
    addGlobalFilter,
    setCellContent,
    setGlobalFilterValue,
} from "@spreadsheet/../tests/helpers/commands";
import { getCellValue } from "@spreadsheet/../tests/helpers/getters";
import { DateFilterValue } from "@spreadsheet/global_filters/components/filter_date_value/filter_date_value";
import { PivotUIGlobalFilterPlugin } from "@spreadsheet/pivot/index";
import { setSolarHijriCalendar } from "@base_solar_hijri/core/luxon_patch";

const { pivotTimeAdapterRegistry } = registries;

describe.current.tags("headless");
defineSpreadsheetModels();

const PERIOD = { id: "42", type: "date", label: "Period", rangeType: "fixedPeriod" };
const ON_DATE = { pivot: { "PIVOT#1": { chain: "date", type: "date" } } };

/** The [from, to] days of the pivot's date domain. */
function pivotBounds(model) {
    const domain = model.getters.getPivotComputedDomain("PIVOT#1");
    expect(domain[0]).toBe("&");
    expect(domain[1].slice(0, 2)).toEqual(["date", ">="]);
    expect(domain[2].slice(0, 2)).toEqual(["date", "<="]);
    return [domain[1][2], domain[2][2]];
}

async function pivotWithFilter(filter, matching = ON_DATE) {
    const { model } = await createSpreadsheetWithPivot();
    await addGlobalFilter(model, { ...PERIOD, ...filter }, matching);
    return model;
}

beforeEach(() => {
    // 16 Azar 1405
    mockDate("2026-12-07 10:00:00");
    setSolarHijriCalendar(true);
});
afterEach(() => setSolarHijriCalendar(false));

test("this quarter is the Solar Hijri quarter: Mehr to Azar", async () => {
    const model = await pivotWithFilter({ defaultValue: "this_quarter" });
    expect(model.getters.getGlobalFilterValue("42")).toEqual({
        yearOffset: 0,
        period: "third_quarter",
    });
    expect(pivotBounds(model)).toEqual(["2026-09-23", "2026-12-21"]);
});

test("this month is Azar", async () => {
    const model = await pivotWithFilter({ defaultValue: "this_month" });
    expect(model.getters.getGlobalFilterValue("42")).toEqual({
        yearOffset: 0,
        period: "september",
    });
    expect(pivotBounds(model)).toEqual(["2026-11-22", "2026-12-21"]);
});

test("a month, a year and the field's offset are counted in Solar Hijri", async () => {
    const model = await pivotWithFilter({});
    await setGlobalFilterValue(model, { id: "42", value: { yearOffset: -1, period: "january" } });
    // Farvardin 1404
    expect(pivotBounds(model)).toEqual(["2025-03-21", "2025-04-20"]);
    await setGlobalFilterValue(model, { id: "42", value: { yearOffset: 0 } });
    // 1405, not a leap year: 29 Esfand is its last day
    expect(pivotBounds(model)).toEqual(["2026-03-21", "2027-03-20"]);

    const next = await pivotWithFilter(
        { defaultValue: "this_quarter" },
        { pivot: { "PIVOT#1": { chain: "date", type: "date", offset: 1 } } }
    );
    // the quarter after Mehr-Azar: Dey to Esfand
    expect(pivotBounds(next)).toEqual(["2026-12-22", "2027-03-20"]);
});

test("year to date starts on 1 Farvardin", async () => {
    const model = await pivotWithFilter({ rangeType: "relative", defaultValue: "year_to_date" });
    expect(pivotBounds(model)).toEqual(["2026-03-21", "2026-12-07"]);
});

test("other relative periods are counted in days, as in Odoo", async () => {
    const model = await pivotWithFilter({ rangeType: "relative", defaultValue: "last_month" });
    expect(pivotBounds(model)).toEqual(["2026-11-08", "2026-12-07"]);
});

test("ODOO.FILTER.VALUE names the Solar Hijri year", async () => {
    const model = await pivotWithFilter({ defaultValue: "this_quarter" });
    setCellContent(model, "A10", '=ODOO.FILTER.VALUE("Period")');
    await animationFrame();
    expect(getCellValue(model, "A10")).toBe("Q3/1405");
    await setGlobalFilterValue(model, { id: "42", value: { yearOffset: -1, period: "march" } });
    await animationFrame();
    expect(getCellValue(model, "A10")).toBe("03/1404");
});

test("clicking a pivot's Solar Hijri month header filters that month", async () => {
    // Hoot's mock server labels and reads back its month groups with luxon, which the
    // calendar makes Solar Hijri: the pivot loads as a Gregorian user's
    setSolarHijriCalendar(false);
    const { model } = await createSpreadsheetWithPivot({
        arch: /* xml */ `
            <pivot>
                <field name="product_id" type="row"/>
                <field name="probability" type="measure"/>
                <field name="date" interval="month" type="col"/>
            </pivot>`,
    });
    await addGlobalFilter(model, PERIOD, ON_DATE);
    setSolarHijriCalendar(true);
    const plugin = model["handlers"].find(
        (handler) => handler instanceof PivotUIGlobalFilterPlugin
    );
    const sheetId = model.getters.getActiveSheetId();
    const click = (formula) => plugin._getFiltersMatchingPivot(sheetId, tokenize(formula));
    // the server labels a Solar Hijri user's month groups "MM/yyyy" in Solar Hijri: Mehr
    // 1395 (26 October 2016 is a record of the test data)
    const mehr = '=PIVOT.HEADER(1,"date:month","07/1395")';
    const filters = click(mehr);
    expect(filters).toEqual([{ filterId: "42", value: { yearOffset: -10, period: "july" } }]);
    await setGlobalFilterValue(model, { id: "42", value: filters[0].value });
    expect(pivotBounds(model)).toEqual(["2016-09-22", "2016-10-21"]);
    // clicking it again clears the filter
    expect(click(mehr)).toEqual([{ filterId: "42", value: undefined }]);
});

test("a user of the Gregorian calendar keeps Odoo's periods", async () => {
    setSolarHijriCalendar(false);
    const model = await pivotWithFilter({ defaultValue: "this_quarter" });
    expect(model.getters.getGlobalFilterValue("42")).toEqual({
        yearOffset: 0,
        period: "fourth_quarter",
    });
    expect(pivotBounds(model)).toEqual(["2026-10-01", "2026-12-31"]);
});

test("the filter lists the Solar Hijri months and shows the Solar Hijri year", async () => {
    await mountWithCleanup(DateFilterValue, {
        props: { onTimeRangeChanged: () => {}, yearOffset: 0, period: "september" },
    });
    const options = queryAllTexts("select option");
    expect(options.slice(5, 8)).toEqual(["Farvardin", "Ordibehesht", "Khordad"]);
    expect(options.at(-1)).toBe("Esfand");
    expect(queryOne("select option:checked").textContent.trim()).toBe("Azar");
    expect(queryOne("input").value).toBe("1405");
});

test("a month argument is the Solar Hijri month holding its date", () => {
    const month = pivotTimeAdapterRegistry.get("month");
    // 7 November 2026 is 16 Aban 1405
    expect(month.normalizeFunctionValue("11/7/2026")).toBe("08/1405");
    expect(month.normalizeFunctionValue("9/1405")).toBe("09/1405");
    expect(month.toValueAndFormat("09/1405").value).toBe("Azar 1405");
    expect(month.increment("12/1405", 1)).toBe("01/1406");
    expect(month.increment("01/1406", -1)).toBe("12/1405");
    setSolarHijriCalendar(false);
    expect(month.normalizeFunctionValue("11/7/2026")).toBe("11/2026");
    expect(month.increment("12/2026", 1)).toBe("01/2027");
});

test("a month group's key keeps Latin digits for a user of Persian digits", () => {
    setSolarHijriCalendar(true, true);
    const month = pivotTimeAdapterRegistry.get("month");
    const group = {
        "date:month": "آذر ۱۴۰۵",
        __range: { "date:month": { from: "2026-11-22", to: "2026-12-22" } },
    };
    expect(month.normalizeServerValue("date:month", { type: "date" }, group)).toBe("09/1405");
});

test("a dashboard's last-month tile finds the Solar Hijri month of its date", async () => {
    // what the server answers a Solar Hijri user: groups of Solar Hijri months
    const azar = { from: "2026-11-22", to: "2026-12-22" };
    const aban = { from: "2026-10-23", to: "2026-11-22" };
    const month = (label, range, count) => ({
        "date:month": label,
        __range: { "date:month": range },
        __domain: [
            ["date", ">=", range.from],
            ["date", "<", range.to],
        ],
        __count: count,
    });
    const { model } = await createSpreadsheetWithPivot({
        arch: /* xml */ `
            <pivot>
                <field name="date" interval="month" type="col"/>
                <field name="__count" type="measure"/>
            </pivot>`,
        mockRPC: async (route, args) => {
            if (args.method === "read_group" && args.kwargs.groupby?.includes("date:month")) {
                return [month("Aban 1405", aban, 3), month("Azar 1405", azar, 5)];
            }
        },
    });
    setCellContent(model, "A20", '=PIVOT.VALUE(1,"__count","date:month",EDATE(TODAY(),-1))');
    setCellContent(model, "A21", '=PIVOT.VALUE(1,"__count","date:month",TODAY())');
    setCellContent(model, "A22", '=PIVOT.HEADER(1,"date:month","09/1405")');
    await animationFrame();
    expect(getCellValue(model, "A20")).toBe(3);
    expect(getCellValue(model, "A21")).toBe(5);
    expect(getCellValue(model, "A22")).toBe("Azar 1405");
});

test("before Nowruz the year is still the last one: Esfand 1404 on 10 March 2026", async () => {
    mockDate("2026-03-10 10:00:00");
    const model = await pivotWithFilter({ defaultValue: "this_quarter" });
    expect(model.getters.getGlobalFilterValue("42")).toEqual({
        yearOffset: 0,
        period: "fourth_quarter",
    });
    // Dey to Esfand 1404 (a year of 29 Esfand)
    expect(pivotBounds(model)).toEqual(["2025-12-22", "2026-03-20"]);
    // a period without a year is this year's, as in Odoo
    await setGlobalFilterValue(model, { id: "42", value: { period: "january" } });
    expect(pivotBounds(model)).toEqual(["2025-03-21", "2025-04-20"]);
});

test("a datetime field is cut at the user's midnight", async () => {
    const model = await pivotWithFilter(
        { defaultValue: "this_month" },
        { pivot: { "PIVOT#1": { chain: "create_date", type: "datetime" } } }
    );
    const domain = model.getters.getPivotComputedDomain("PIVOT#1");
    const { DateTime } = luxon;
    const local = (text) => DateTime.fromSQL(text, { zone: "utc" }).setZone("default");
    expect(local(domain[1][2]).toISO({ includeOffset: false })).toBe("2026-11-22T00:00:00.000");
    expect(local(domain[2][2]).toISO({ includeOffset: false })).toBe("2026-12-21T23:59:59.000");
});

test("quarter groups and arguments are Solar Hijri quarters", () => {
    patchTranslations();
    const quarter = pivotTimeAdapterRegistry.get("quarter");
    // the server's group of Tir to Shahrivar 1405 starts on 22 June 2026
    const tir = {
        "date:quarter": "Q2 1405",
        __range: { "date:quarter": { from: "2026-06-22", to: "2026-09-23" } },
    };
    expect(quarter.normalizeServerValue("date:quarter", { type: "date" }, tir)).toBe("2/1405");
    expect(String(quarter.toValueAndFormat("2/1405").value)).toBe("Q2 1405");
    // 7 December 2026 is in Mehr to Azar 1405
    expect(quarter.normalizeFunctionValue("12/7/2026")).toBe("3/1405");
    expect(quarter.increment("4/1405", 1)).toBe("1/1406");
    setSolarHijriCalendar(false);
    expect(quarter.normalizeServerValue("date:quarter", { type: "date" }, tir)).toBe("2/2026");
});

test("a year group labelled in Persian digits keeps its number", () => {
    setSolarHijriCalendar(true, true);
    const year = pivotTimeAdapterRegistry.get("year");
    const group = {
        "date:year": "۱۴۰۵",
        __range: { "date:year": { from: "2026-03-21", to: "2027-03-21" } },
    };
    expect(year.normalizeServerValue("date:year", { type: "date" }, group)).toBe(1405);
});
