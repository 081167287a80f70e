/**
 * The periods of a spreadsheet's date filter in Solar Hijri.
 *
 * Odoo's spreadsheet stores a fixed-period filter as { yearOffset, period }: years back
 * from this one, and "first_quarter" ... "fourth_quarter" or "january" ... "december".
 * For a user of the Solar Hijri calendar the same value means the Solar Hijri year, its
 * quarters (Farvardin to Khordad, ...) and its months, in that order ("january" is
 * Farvardin, the first month): the year picker beside the period already shows that
 * year, and the server groups the dashboards' pivots by those months.
 */
import { FILTER_DATE_OPTION, monthsOptions } from "@spreadsheet/assets_backend/constants";
import {
    jalaliMonthNames,
    jalaliMonthsRange,
    plusJalaliMonths,
    startOfJalali,
    toJalali,
} from "@base_solar_hijri/core/solar_hijri_calendar";

const QUARTERS = FILTER_DATE_OPTION.quarter;

/**
 * First and last instant of the Solar Hijri period of a fixed-period filter's value.
 *
 * @param {luxon.DateTime} now
 * @param {{ yearOffset?: number, period?: string }} value
 * @param {number} [offset=0] the field matching's offset, in periods of the value
 *  (years when no period is chosen)
 * @returns {{ start: luxon.DateTime, end: luxon.DateTime } | null} null when the value
 *  names no period Odoo's filter knows
 */
export function solarHijriPeriodBounds(now, value, offset = 0) {
    const year = toJalali(now).year + (value.yearOffset || 0);
    let firstMonth = 1;
    let months = 12;
    if (value.period && value.period !== "empty") {
        const quarter = QUARTERS.indexOf(value.period);
        const month = monthsOptions.findIndex((option) => option.id === value.period);
        if (quarter >= 0) {
            firstMonth = quarter * 3 + 1;
            months = 3;
        } else if (month >= 0) {
            firstMonth = month + 1;
            months = 1;
        } else {
            return null;
        }
    }
    return jalaliMonthsRange(now, year, firstMonth, months, months * offset);
}

/**
 * First and last instant of "year to date" in Solar Hijri: from 1 Farvardin to today.
 *
 * @param {luxon.DateTime} now
 * @param {number} [offset=0] years
 */
export function solarHijriYearToDate(now, offset = 0) {
    return {
        start: plusJalaliMonths(startOfJalali(now, "year"), 12 * offset),
        end: plusJalaliMonths(now.endOf("day"), 12 * offset),
    };
}

/**
 * The value of a filter whose default is the current quarter or month, in Solar Hijri.
 *
 * @param {string} defaultValue the filter's default ("this_quarter", "this_month", ...)
 * @param {luxon.DateTime} now
 * @returns {{ yearOffset: number, period: string } | null} null for other defaults
 */
export function currentSolarHijriPeriod(defaultValue, now) {
    const { month } = toJalali(now);
    if (defaultValue === "this_month") {
        return { yearOffset: 0, period: monthsOptions[month - 1].id };
    }
    if (defaultValue === "this_quarter") {
        return { yearOffset: 0, period: QUARTERS[Math.floor((month - 1) / 3)] };
    }
    return null;
}

/**
 * Odoo's month options with the names of the Solar Hijri months, in the user's language.
 *
 * @param {string} locale
 * @returns {{ id: string, description: string }[]}
 */
export function solarHijriMonthOptions(locale) {
    const names = jalaliMonthNames(locale);
    return monthsOptions.map((option, index) => ({ id: option.id, description: names[index] }));
}

/**
 * Years from a Gregorian year offset to a Solar Hijri one: Odoo's spreadsheet reads the
 * year of a pivot's date group as Gregorian, the server labels it in Solar Hijri.
 *
 * @param {luxon.DateTime} now
 */
export function gregorianToSolarHijriYears(now) {
    return now.year - toJalali(now).year;
}
