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
 * Every change defers to the adapter it wraps when the user's calendar is Gregorian.
 */
import { helpers, constants, registries } from "@odoo/o-spreadsheet";
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

/**
 * The key of the Solar Hijri month of a formula's month argument: a Solar Hijri key as it
 * is, anything else read as a date, as o-spreadsheet reads it.
 */
export function solarHijriMonthKey(value) {
    const key = parseMonthKey(value);
    if (key) {
        return monthKey(...key);
    }
    const date = toJsDate(value, DEFAULT_LOCALE);
    const { year, month } = gregorianToJalali(
        date.getFullYear(),
        date.getMonth() + 1,
        date.getDate()
    );
    return monthKey(year, month);
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
