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
const MONTH_KEY = /^\s*(\d{1,2})\/(\d{3,4})\s*$/;
const QUARTER_KEY = /^\s*([1-4])\/(\d{3,4})\s*$/;

/** "MM/yyyy" of a Solar Hijri month. */
function monthKey(year, month) {
    return `${String(month).padStart(2, "0")}/${year}`;
}

/** [year, month] of a Solar Hijri month key, or null. */
function parseMonthKey(value) {
    const match = MONTH_KEY.exec(toLatinDigits(String(value)));
    if (!match || Number(match[2]) >= GREGORIAN_YEARS_FROM) {
        return null;
    }
    return [Number(match[2]), Number(match[1])];
}

/** [year, quarter] of a Solar Hijri quarter key, or null. */
function parseQuarterKey(value) {
    const match = QUARTER_KEY.exec(toLatinDigits(String(value)));
    if (!match || Number(match[2]) >= GREGORIAN_YEARS_FROM) {
        return null;
    }
    return [Number(match[2]), Number(match[1])];
}

/** The Solar Hijri [year, month, day] of a spreadsheet date (a number or a date text). */
function jalaliOfSpreadsheetDate(value) {
    const date = toJsDate(value, DEFAULT_LOCALE);
    const { year, month, day } = gregorianToJalali(
        date.getFullYear(),
        date.getMonth() + 1,
        date.getDate()
    );
    return [year, month, day];
}

/**
 * The key of the Solar Hijri month of a formula's month argument: a Solar Hijri key as it
 * is, anything else read as a date, as o-spreadsheet reads it.
 */
export function solarHijriMonthKey(value) {
    const key = parseMonthKey(value);
    if (key) {
        return monthKey(...key);
    }
    const [year, month] = jalaliOfSpreadsheetDate(value);
    return monthKey(year, month);
}

/** The key ("q/yyyy") of the Solar Hijri quarter of a formula's quarter argument. */
export function solarHijriQuarterKey(value) {
    const key = parseQuarterKey(value);
    if (key) {
        return `${key[1]}/${key[0]}`;
    }
    const [year, month] = jalaliOfSpreadsheetDate(value);
    return `${Math.ceil(month / 3)}/${year}`;
}

const monthAdapter = pivotTimeAdapterRegistry.get("month");
pivotTimeAdapterRegistry.add("month", {
    ...monthAdapter,
    normalizeServerValue(...args) {
        const value = monthAdapter.normalizeServerValue(...args);
        return typeof value === "string" ? toLatinDigits(value) : value;
    },
    normalizeFunctionValue(value) {
        const normalized = monthAdapter.normalizeFunctionValue(value);
        if (!isSolarHijriActive() || normalized === false) {
            return normalized;
        }
        return solarHijriMonthKey(value);
    },
    toValueAndFormat(normalizedValue, locale) {
        const key = isSolarHijriActive() && parseMonthKey(normalizedValue);
        if (!key) {
            return monthAdapter.toValueAndFormat(normalizedValue, locale);
        }
        return { value: setJalali(DateTime.local(), key[0], key[1], 1).toFormat("MMMM yyyy") };
    },
    increment(normalizedValue, step) {
        const key = isSolarHijriActive() && parseMonthKey(normalizedValue);
        if (!key) {
            const next = monthAdapter.increment(normalizedValue, step);
            return typeof next === "string" ? toLatinDigits(next) : next;
        }
        const index = key[0] * 12 + key[1] - 1 + step;
        return monthKey(Math.floor(index / 12), (index % 12) + 1);
    },
});

const quarterAdapter = pivotTimeAdapterRegistry.get("quarter");
pivotTimeAdapterRegistry.add("quarter", {
    ...quarterAdapter,
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
        return `${Math.ceil(month / 3)}/${year}`;
    },
    normalizeFunctionValue(value) {
        const normalized = quarterAdapter.normalizeFunctionValue(value);
        if (!isSolarHijriActive() || normalized === false) {
            return normalized;
        }
        return solarHijriQuarterKey(value);
    },
    increment(normalizedValue, step) {
        const key = isSolarHijriActive() && parseQuarterKey(normalizedValue);
        if (!key) {
            return quarterAdapter.increment(normalizedValue, step);
        }
        const index = key[0] * 4 + key[1] - 1 + step;
        return `${(index % 4) + 1}/${Math.floor(index / 4)}`;
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
