/**
 * Solar Hijri (Jalali) <-> Gregorian conversion and calendar arithmetic on luxon DateTimes.
 *
 * Leap years follow the 33-year arithmetic rule (a year is leap when year % 33 is one of
 * 1, 5, 9, 13, 17, 22, 26, 30): the rule of the server's `jdatetime` and of the browsers'
 * Intl "persian" calendar, which agree on every day from 1300 to 1500 (the tests check it).
 * Days are counted from an anchor, 1 Farvardin 1300 = 1921-03-21, so both directions are
 * exact integer arithmetic on day numbers (days since 1970-01-01).
 *
 * Pure module: no Odoo service, no session; the web-client patches import it.
 */

const LEAP_REMAINDERS = [1, 5, 9, 13, 17, 22, 26, 30];
const DAY_MS = 86400000;
const ANCHOR_YEAR = 1300;
const ANCHOR_DAY = Date.UTC(1921, 2, 21) / DAY_MS;

/** Solar Hijri months ("Farvardin" ...) a year is made of. */
export const MONTHS_PER_YEAR = 12;

/**
 * @param {number} jy Solar Hijri year
 * @returns {boolean}
 */
export function isJalaliLeapYear(jy) {
    const remainder = ((jy % 33) + 33) % 33;
    return LEAP_REMAINDERS.includes(remainder);
}

/**
 * @param {number} jy
 * @param {number} jm 1-12
 * @returns {number} 31 for the first six months, 30 for the next five, 29 or 30 for Esfand
 */
export function jalaliMonthLength(jy, jm) {
    if (jm <= 6) {
        return 31;
    }
    if (jm <= 11) {
        return 30;
    }
    return isJalaliLeapYear(jy) ? 30 : 29;
}

/** Leap years among the years 1..n (n >= 0). */
function leapYearsUpTo(n) {
    const cycles = Math.floor(n / 33);
    const rest = n - cycles * 33;
    return cycles * 8 + LEAP_REMAINDERS.filter((r) => r <= rest).length;
}

/** Days from 1 Farvardin of year 1 to 1 Farvardin of year jy. */
function daysBeforeYear(jy) {
    return 365 * (jy - 1) + leapYearsUpTo(jy - 1);
}

/** Days from 1 Farvardin to the first day of month jm. */
function daysBeforeMonth(jm) {
    return jm <= 7 ? (jm - 1) * 31 : 186 + (jm - 7) * 30;
}

/**
 * @param {number} jy
 * @param {number} jm
 * @param {number} jd
 * @returns {boolean} whether the triple names a real Solar Hijri day
 */
export function isValidJalaliDate(jy, jm, jd) {
    return (
        Number.isInteger(jy) &&
        Number.isInteger(jm) &&
        Number.isInteger(jd) &&
        jy >= 1 &&
        jm >= 1 &&
        jm <= 12 &&
        jd >= 1 &&
        jd <= jalaliMonthLength(jy, jm)
    );
}

/**
 * @returns {number} days since 1970-01-01 of the given Solar Hijri day
 */
export function jalaliToDayNumber(jy, jm, jd) {
    return (
        ANCHOR_DAY + daysBeforeYear(jy) - daysBeforeYear(ANCHOR_YEAR) + daysBeforeMonth(jm) + jd - 1
    );
}

/**
 * @param {number} dayNumber days since 1970-01-01
 * @returns {{ year: number, month: number, day: number }} the Solar Hijri day
 */
export function dayNumberToJalali(dayNumber) {
    const offset = dayNumber - ANCHOR_DAY + daysBeforeYear(ANCHOR_YEAR);
    // the estimate is at most one year off; walk to the year holding the day
    let year = Math.floor(offset / 365.2424) + 1;
    while (daysBeforeYear(year) > offset) {
        year--;
    }
    while (daysBeforeYear(year + 1) <= offset) {
        year++;
    }
    const dayOfYear = offset - daysBeforeYear(year); // 0-based
    const month =
        dayOfYear < 186 ? Math.floor(dayOfYear / 31) + 1 : Math.floor((dayOfYear - 186) / 30) + 7;
    return { year, month, day: dayOfYear - daysBeforeMonth(month) + 1 };
}

/**
 * @param {number} gy
 * @param {number} gm 1-12
 * @param {number} gd
 * @returns {{ year: number, month: number, day: number }} Solar Hijri year, month, day
 */
export function gregorianToJalali(gy, gm, gd) {
    const date = new Date(0);
    date.setUTCFullYear(gy, gm - 1, gd);
    return dayNumberToJalali(Math.round(date.getTime() / DAY_MS));
}

/**
 * @returns {{ year: number, month: number, day: number }} Gregorian year, month, day
 */
export function jalaliToGregorian(jy, jm, jd) {
    const date = new Date(jalaliToDayNumber(jy, jm, jd) * DAY_MS);
    return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

//-----------------------------------------------------------------------------
// luxon DateTimes
//-----------------------------------------------------------------------------

/**
 * @param {luxon.DateTime} dt
 * @returns {{ year: number, month: number, day: number }} the Solar Hijri day of dt (in its zone)
 */
export function toJalali(dt) {
    return gregorianToJalali(dt.year, dt.month, dt.day);
}

/**
 * The DateTime on the given Solar Hijri day, keeping dt's zone, locale and time of day.
 *
 * @param {luxon.DateTime} dt
 * @param {number} jy
 * @param {number} jm
 * @param {number} jd
 */
export function setJalali(dt, jy, jm, jd) {
    const { year, month, day } = jalaliToGregorian(jy, jm, jd);
    return dt.set({ year, month, day });
}

/**
 * Start of the Solar Hijri month, quarter (3 months from Farvardin) or year holding dt.
 *
 * @param {luxon.DateTime} dt
 * @param {"month"|"quarter"|"year"} unit
 */
export function startOfJalali(dt, unit) {
    const { year, month } = toJalali(dt);
    let startMonth = month;
    if (unit === "year") {
        startMonth = 1;
    } else if (unit === "quarter") {
        startMonth = month - ((month - 1) % 3);
    }
    return setJalali(dt, year, startMonth, 1).startOf("day");
}

/**
 * End (last millisecond) of the Solar Hijri month, quarter or year holding dt.
 *
 * @param {luxon.DateTime} dt
 * @param {"month"|"quarter"|"year"} unit
 */
export function endOfJalali(dt, unit) {
    const months = { month: 1, quarter: 3, year: 12 }[unit];
    return plusJalaliMonths(startOfJalali(dt, unit), months).minus({ milliseconds: 1 });
}

/**
 * dt moved by whole Solar Hijri months (negative: backwards); the day of month is kept,
 * or clamped to the last day of a shorter month (31 Shahrivar + 1 month = 30 Mehr).
 *
 * @param {luxon.DateTime} dt
 * @param {number} months
 */
export function plusJalaliMonths(dt, months) {
    const { year, month, day } = toJalali(dt);
    const index = year * 12 + (month - 1) + months;
    const newYear = Math.floor(index / 12);
    const newMonth = index - newYear * 12 + 1;
    return setJalali(dt, newYear, newMonth, Math.min(day, jalaliMonthLength(newYear, newMonth)));
}

/**
 * First and last instant of `months` Solar Hijri months from the first day of month `month`
 * of year `year`, moved by `shift` months (negative: backwards), in dt's zone.
 *
 * @param {luxon.DateTime} dt
 * @param {number} year
 * @param {number} month
 * @param {number} months
 * @param {number} [shift=0]
 * @returns {{ start: luxon.DateTime, end: luxon.DateTime }}
 */
export function jalaliMonthsRange(dt, year, month, months, shift = 0) {
    const start = plusJalaliMonths(setJalali(dt, year, month, 1).startOf("day"), shift);
    return { start, end: endOfJalali(plusJalaliMonths(start, months - 1), "month") };
}

/**
 * Name of each Solar Hijri month in the given locale, from the browser's Intl persian
 * calendar ("Farvardin" in English, "فروردین" in Persian).
 *
 * @param {string} locale e.g. "fa-IR"
 * @param {"long"|"short"|"narrow"} [length="long"]
 * @returns {string[]} 12 names, Farvardin first
 */
export function jalaliMonthNames(locale, length = "long") {
    const key = `${locale}|${length}`;
    if (!monthNameCache.has(key)) {
        let format;
        try {
            format = new Intl.DateTimeFormat(locale, {
                calendar: "persian",
                month: length,
                timeZone: "UTC",
            });
        } catch {
            format = new Intl.DateTimeFormat("en", {
                calendar: "persian",
                month: length,
                timeZone: "UTC",
            });
        }
        const names = [];
        for (let month = 1; month <= MONTHS_PER_YEAR; month++) {
            const dayNumber = jalaliToDayNumber(1400, month, 15);
            const part = format
                .formatToParts(new Date(dayNumber * DAY_MS))
                .find((p) => p.type === "month");
            names.push(part.value);
        }
        monthNameCache.set(key, names);
    }
    return monthNameCache.get(key);
}
const monthNameCache = new Map();

const LATIN_DIGITS = "0123456789";
const PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹";
const ARABIC_DIGITS = "٠١٢٣٤٥٦٧٨٩";

/**
 * @param {string} text
 * @returns {string} text with Persian and Arabic-Indic digits replaced by Latin ones
 */
export function toLatinDigits(text) {
    return text.replace(/[۰-۹٠-٩]/g, (c) => {
        const index = PERSIAN_DIGITS.indexOf(c);
        return LATIN_DIGITS[index >= 0 ? index : ARABIC_DIGITS.indexOf(c)];
    });
}

/**
 * @param {string | number} text
 * @returns {string} text with Latin digits replaced by Persian ones
 */
export function toPersianDigits(text) {
    return String(text).replace(/[0-9]/g, (c) => PERSIAN_DIGITS[Number(c)]);
}
