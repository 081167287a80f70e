/**
 * A pivot's month groups for a user who reads Solar Hijri dates.
 *
 * The server groups that user's pivots by Solar Hijri month (base_solar_hijri), and Odoo's
 * spreadsheet keys each group "MM/yyyy", written by luxon from the group's first day: in
 * Solar Hijri for that user ("09/1405" is Azar 1405). The rest of the month adapter is
 * o-spreadsheet's own Gregorian arithmetic, which does not match those keys:
 * - a formula's month argument (PIVOT.VALUE(1, "amount", "date:month", EDATE(TODAY(), -1)),
 *   the dashboards' "last month" tiles) became a Gregorian key ("11/2026") that no group
 *   has: the tile stayed empty. A date now gives the key of the Solar Hijri month holding
 *   it; a key typed as "MM/yyyy" with a Solar Hijri year is kept.
 * - a header's label read the key as a Gregorian date ("September 1405"): now the Solar
 *   Hijri month's name and year, as the charts show them ("آذر 1405").
 * - the next month (autofill) added Gregorian months to 1 Esfand: now Solar Hijri months.
 * - a user who asked for Persian digits got keys in those digits, which Odoo's parseInt of
 *   the key (a click on a header) does not read: keys stay in Latin digits.
 * Quarters alike: Odoo keyed the server's Solar Hijri quarters by the Gregorian quarter and
 * year of their first day ("1/2026" for Farvardin to Khordad 1405, shown "Q1 2026"); now
 * "1/1405". Years: the key is the server's label, a number in Latin digits.
 * Every change defers to the adapter it wraps when the user's calendar is Gregorian.
 *
 * Known limit: a "last month" formula made with EDATE(TODAY(), -1) steps back one Gregorian
 * month; on about seven days a year (around the 20th of some months) the Solar Hijri month
 * holding that date is this month or the one before last.
 */
import { helpers, constants, registries } from "@odoo/o-spreadsheet";
import { user } from "@web/core/user";
import { isSolarHijriActive } from "@base_solar_hijri/core/luxon_patch";
import {
    gregorianToJalali,
    setJalali,
    toLatinDigits,
} from "@base_solar_hijri/core/solar_hijri_calendar";

const { DateTime } = luxon;
const { pivotTimeAdapterRegistry } = registries;
const { toJsDate } = helpers;
const { DEFAULT_LOCALE } = constants;

/** Years from this one on are Gregorian (as base_solar_hijri reads typed dates). */
const GREGORIAN_YEARS_FROM = 1700;

/** The Solar Hijri [year, month] of a spreadsheet date (a number or a date text). */
function jalaliOfSpreadsheetDate(value) {
    const date = toJsDate(value, DEFAULT_LOCALE);
    const { year, month } = gregorianToJalali(
        date.getFullYear(),
        date.getMonth() + 1,
        date.getDate()
    );
    return [year, month];
}

/**
 * The keys of Solar Hijri periods of one length: "MM/yyyy" for months (perYear 12),
 * "q/yyyy" for quarters (perYear 4), as Odoo's spreadsheet writes its Gregorian ones.
 */
function periodKeys(perYear, pattern, width) {
    const months = 12 / perYear;
    const format = (year, period) => `${String(period).padStart(width, "0")}/${year}`;
    /** [year, period] of a Solar Hijri key, or null (not a key, or a Gregorian year). */
    const parse = (value) => {
        const match = pattern.exec(toLatinDigits(String(value)));
        if (!match || Number(match[2]) >= GREGORIAN_YEARS_FROM) {
            return null;
        }
        return [Number(match[2]), Number(match[1])];
    };
    return {
        parse,
        /** The key of the period holding a Solar Hijri month. */
        ofMonth: (year, month) => format(year, Math.ceil(month / months)),
        /**
         * The key of a formula's argument: a Solar Hijri key as it is, anything else read
         * as a date, as o-spreadsheet reads it.
         */
        ofArgument(value) {
            const key = parse(value);
            return key ? format(...key) : this.ofMonth(...jalaliOfSpreadsheetDate(value));
        },
        /** The key `step` periods after a Solar Hijri one. */
        plus([year, period], step) {
            const index = year * perYear + period - 1 + step;
            return format(Math.floor(index / perYear), (index % perYear) + 1);
        },
    };
}

const MONTHS = periodKeys(12, /^\s*(\d{1,2})\/(\d{3,4})\s*$/, 2);
const QUARTERS = periodKeys(4, /^\s*([1-4])\/(\d{3,4})\s*$/, 1);

/**
 * What a Solar Hijri user's month and quarter adapters share: a formula's argument and
 * the next period (autofill) in Solar Hijri periods; `adapter` (Odoo's) otherwise.
 */
function solarHijriPeriods(adapter, keys) {
    return {
        normalizeFunctionValue(value) {
            const normalized = adapter.normalizeFunctionValue(value);
            if (!isSolarHijriActive() || normalized === false) {
                return normalized;
            }
            return keys.ofArgument(value);
        },
        increment(normalizedValue, step) {
            const key = isSolarHijriActive() && keys.parse(normalizedValue);
            if (!key) {
                const next = adapter.increment(normalizedValue, step);
                return typeof next === "string" ? toLatinDigits(next) : next;
            }
            return keys.plus(key, step);
        },
    };
}

const monthAdapter = pivotTimeAdapterRegistry.get("month");
pivotTimeAdapterRegistry.add("month", {
    ...monthAdapter,
    ...solarHijriPeriods(monthAdapter, MONTHS),
    normalizeServerValue(...args) {
        const value = monthAdapter.normalizeServerValue(...args);
        return typeof value === "string" ? toLatinDigits(value) : value;
    },
    toValueAndFormat(normalizedValue, locale) {
        const key = isSolarHijriActive() && MONTHS.parse(normalizedValue);
        if (!key) {
            return monthAdapter.toValueAndFormat(normalizedValue, locale);
        }
        return { value: setJalali(DateTime.local(), key[0], key[1], 1).toFormat("MMMM yyyy") };
    },
});

const quarterAdapter = pivotTimeAdapterRegistry.get("quarter");
pivotTimeAdapterRegistry.add("quarter", {
    ...quarterAdapter,
    ...solarHijriPeriods(quarterAdapter, QUARTERS),
    normalizeServerValue(groupBy, field, readGroupResult, locale) {
        const value = quarterAdapter.normalizeServerValue(groupBy, field, readGroupResult, locale);
        const range = readGroupResult.__range?.[groupBy];
        if (!isSolarHijriActive() || value === false || !range) {
            return value;
        }
        // the group's first day (in the user's time zone for a datetime field)
        const start =
            field.type === "date"
                ? DateTime.fromISO(range.from)
                : DateTime.fromSQL(range.from, { zone: "utc" }).setZone(user.tz || "default");
        const { year, month } = gregorianToJalali(start.year, start.month, start.day);
        return QUARTERS.ofMonth(year, month);
    },
});

const yearAdapter = pivotTimeAdapterRegistry.get("year");
pivotTimeAdapterRegistry.add("year", {
    ...yearAdapter,
    normalizeServerValue(groupBy, field, readGroupResult, locale) {
        const label = readGroupResult[groupBy];
        if (typeof label !== "string") {
            return yearAdapter.normalizeServerValue(groupBy, field, readGroupResult, locale);
        }
        return yearAdapter.normalizeServerValue(
            groupBy,
            field,
            { ...readGroupResult, [groupBy]: toLatinDigits(label) },
            locale
        );
    },
});
