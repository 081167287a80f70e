/**
 * Every date the web client shows or reads goes through luxon: Odoo's formatDate,
 * formatDateTime and parseDateTime (web/core/l10n/dates.js), the chatter's toLocaleString,
 * the views' toFormat("MMMM") titles. Odoo's modules import those helpers by value when
 * they load, so patching them afterwards would miss their callers; patching luxon's
 * DateTime (shared by every module) reaches them all.
 *
 * When the user's calendar is Solar Hijri (session info `solar_hijri`):
 * - DateTime#toFormat and #toLocaleString render in the "persian" calendar through Intl
 *   (luxon does it per token when its outputCalendar is not Gregorian), with Persian digits
 *   when the user asked for them (`persian_digits`), Latin digits otherwise;
 * - DateTime.fromFormat reads the year, month and day of the text as a Solar Hijri day.
 * Machine formats (the server's "yyyy-MM-dd..." that serializeDate/serializeDateTime and
 * a few file names use) and calls that name their own outputCalendar stay Gregorian.
 * Arithmetic (plus, startOf, ...) is untouched: it stays Gregorian, callers that mean
 * Solar Hijri months use the helpers of solar_hijri_calendar.js.
 */
import { patch } from "@web/core/utils/patch";
import { session } from "@web/session";
import {
    isValidJalaliDate,
    jalaliToGregorian,
    toLatinDigits,
    toJalali,
} from "./solar_hijri_calendar";

const { DateTime } = luxon;

/** The current user's calendar settings, from the session info (tests may change them). */
export const solarHijriSettings = {
    active: Boolean(session.solar_hijri),
    persianDigits: Boolean(session.persian_digits),
};

/**
 * @param {boolean} active whether dates are shown and typed in Solar Hijri
 * @param {boolean} [persianDigits=false]
 */
export function setSolarHijriCalendar(active, persianDigits = false) {
    solarHijriSettings.active = Boolean(active);
    solarHijriSettings.persianDigits = Boolean(persianDigits);
}

/** Whether the current user sees Solar Hijri dates. */
export function isSolarHijriActive() {
    return solarHijriSettings.active;
}

/** The numbering system dates are shown with. */
export function displayNumberingSystem() {
    return solarHijriSettings.persianDigits ? "arabext" : "latn";
}

/** Typed years from this one on are Gregorian years. */
const GREGORIAN_YEARS_FROM = 1700;

const MACHINE_FORMAT = /^yyyy-(MM|LL|ll)-dd/;

/**
 * @param {string} fmt a luxon format
 * @returns {boolean} whether fmt writes a value for a machine (the server's format)
 */
export function isMachineFormat(fmt) {
    return MACHINE_FORMAT.test(fmt);
}

/** @param {object} opts luxon options given by the caller */
function wantsSolarHijri(opts) {
    return solarHijriSettings.active && !(opts && opts.outputCalendar);
}

function displayOptions(opts) {
    return {
        ...opts,
        outputCalendar: "persian",
        numberingSystem: (opts && opts.numberingSystem) || displayNumberingSystem(),
    };
}

/** Letters of a luxon format outside its quoted literals. */
function formatLetters(fmt) {
    return fmt.replace(/'[^']*'/g, "");
}

patch(DateTime.prototype, {
    toFormat(fmt, opts = {}) {
        if (!wantsSolarHijri(opts) || isMachineFormat(fmt)) {
            return super.toFormat(fmt, opts);
        }
        return super.toFormat(fmt, displayOptions(opts));
    },
    toLocaleString(formatOpts, opts = {}) {
        if (!wantsSolarHijri(opts)) {
            return super.toLocaleString(formatOpts, opts);
        }
        return super.toLocaleString(formatOpts, displayOptions(opts));
    },
});

/**
 * Reads text as a Solar Hijri date (and time) in format fmt.
 *
 * luxon's own parser finds the fields (digits may be Persian or Latin); its Gregorian
 * validation is skipped: the year, month and day are checked as a Solar Hijri day, then
 * converted. A two-digit year means 13xx from 50 on, 14xx below (05 -> 1405, 99 -> 1399).
 * A year from 1700 on (Solar Hijri 1700 is 2321) is a Gregorian date typed on purpose
 * ("2026/03/21"), read as such.
 *
 * @param {string} text
 * @param {string} fmt
 * @param {object} opts luxon's fromFormat options
 * @returns {luxon.DateTime} an invalid DateTime when text is no Solar Hijri day
 */
export function parseSolarHijri(text, fmt, opts = {}) {
    const explained = DateTime.fromFormatExplain(toLatinDigits(text), fmt, {
        ...opts,
        numberingSystem: "latn",
    });
    const fields = explained.result;
    // no match leaves luxon's result empty ({}), which must not read as "today"
    if (!fields || !explained.rawMatches || explained.invalidReason) {
        return DateTime.invalid("unparsable", `"${text}" does not match "${fmt}"`);
    }
    const tokens = (explained.tokens || []).filter((t) => !t.literal).map((t) => t.val);
    const now = toJalali(DateTime.local({ zone: opts.zone || "default" }));
    let year = fields.year ?? now.year;
    if (tokens.includes("yy")) {
        const twoDigits = year % 100;
        year = twoDigits < 50 ? 1400 + twoDigits : 1300 + twoDigits;
    }
    const month = fields.month ?? (fields.year !== undefined ? 1 : now.month);
    const hasYearOrMonth = fields.year !== undefined || fields.month !== undefined;
    const day = fields.day ?? (hasYearOrMonth ? 1 : now.day);
    const time = {
        hour: fields.hour ?? 0,
        minute: fields.minute ?? 0,
        second: fields.second ?? 0,
        millisecond: fields.millisecond ?? 0,
    };
    const { zone = "default", locale, numberingSystem } = opts;
    if (year >= GREGORIAN_YEARS_FROM) {
        // a Gregorian year (2026/03/21): read the date as typed
        const values = { year, month, day, ...time };
        return DateTime.fromObject(values, { zone, locale, numberingSystem });
    }
    if (!isValidJalaliDate(year, month, day)) {
        return DateTime.invalid(
            "unit out of range",
            `${year}/${month}/${day} is not a Solar Hijri day`
        );
    }
    const gregorian = jalaliToGregorian(year, month, day);
    return DateTime.fromObject({ ...gregorian, ...time }, { zone, locale, numberingSystem });
}

patch(DateTime, {
    fromFormat(text, fmt, opts = {}) {
        if (
            !wantsSolarHijri(opts) ||
            typeof text !== "string" ||
            typeof fmt !== "string" ||
            isMachineFormat(fmt) ||
            !/[yMLd]/.test(formatLetters(fmt))
        ) {
            return super.fromFormat(text, fmt, opts);
        }
        return parseSolarHijri(text, fmt, opts);
    },
});
