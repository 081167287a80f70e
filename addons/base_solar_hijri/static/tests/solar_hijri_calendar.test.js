import { afterEach, describe, expect, test } from "@odoo/hoot";
import { patchTranslations, patchWithCleanup } from "@web/../tests/web_test_helpers";
import {
    deserializeDate,
    formatDate,
    formatDateTime,
    parseDate,
    parseDateTime,
    serializeDate,
    serializeDateTime,
} from "@web/core/l10n/dates";
import { Domain } from "@web/core/domain";
import { localization } from "@web/core/l10n/localization";
import { setSolarHijriCalendar } from "@base_solar_hijri/core/luxon_patch";
import { solarHijriGroupLabel } from "@base_solar_hijri/core/read_group_patch";
import { solarHijriDateFilterDomain } from "@base_solar_hijri/search/search_model_patch";
import {
    endOfJalali,
    gregorianToJalali,
    isJalaliLeapYear,
    jalaliMonthLength,
    jalaliToGregorian,
    plusJalaliMonths,
    startOfJalali,
    toJalali,
} from "@base_solar_hijri/core/solar_hijri_calendar";

const { DateTime } = luxon;
const DAY_MS = 86400000;

describe("conversion", () => {
    test("every day from 1300 to 1500 round-trips and agrees with the browser's Intl", () => {
        const intl = new Intl.DateTimeFormat("en-u-ca-persian-nu-latn", {
            timeZone: "UTC",
            year: "numeric",
            month: "numeric",
            day: "numeric",
        });
        const first = Date.UTC(1921, 2, 21) / DAY_MS; // 1 Farvardin 1300
        let mismatches = 0;
        let days = 0;
        for (let jy = 1300; jy <= 1500; jy++) {
            for (let jm = 1; jm <= 12; jm++) {
                for (let jd = 1; jd <= jalaliMonthLength(jy, jm); jd++) {
                    const g = jalaliToGregorian(jy, jm, jd);
                    const back = gregorianToJalali(g.year, g.month, g.day);
                    const date = new Date(Date.UTC(g.year, g.month - 1, g.day));
                    const parts = Object.fromEntries(
                        intl.formatToParts(date).map((p) => [p.type, p.value])
                    );
                    if (
                        back.year !== jy ||
                        back.month !== jm ||
                        back.day !== jd ||
                        date.getTime() / DAY_MS !== first + days ||
                        parseInt(parts.year) !== jy ||
                        Number(parts.month) !== jm ||
                        Number(parts.day) !== jd
                    ) {
                        mismatches++;
                    }
                    days++;
                }
            }
        }
        expect(mismatches).toBe(0);
        // consecutive days, no gap: 201 years of 365 or 366 days
        expect(days).toBe(73414);
    });

    test("known days and leap years", () => {
        expect(jalaliToGregorian(1405, 1, 1)).toEqual({ year: 2026, month: 3, day: 21 });
        expect(gregorianToJalali(2025, 3, 21)).toEqual({ year: 1404, month: 1, day: 1 });
        expect(gregorianToJalali(2024, 3, 20)).toEqual({ year: 1403, month: 1, day: 1 });
        expect(isJalaliLeapYear(1403)).toBe(true);
        expect(isJalaliLeapYear(1404)).toBe(false);
        expect(jalaliMonthLength(1403, 12)).toBe(30);
        expect(jalaliMonthLength(1405, 12)).toBe(29);
    });

    test("Solar Hijri periods on luxon DateTimes", () => {
        const day = DateTime.fromISO("2026-05-10T15:00:00"); // 20 Ordibehesht 1405
        expect(toJalali(day)).toEqual({ year: 1405, month: 2, day: 20 });
        expect(startOfJalali(day, "month").toISODate()).toBe("2026-04-21");
        expect(startOfJalali(day, "quarter").toISODate()).toBe("2026-03-21");
        expect(startOfJalali(day, "year").toISODate()).toBe("2026-03-21");
        expect(endOfJalali(day, "month").toISO({ includeOffset: false })).toBe(
            "2026-05-21T23:59:59.999"
        );
        // 31 Shahrivar + 1 month: Mehr has 30 days
        const shahrivar31 = DateTime.fromISO("2026-09-22");
        expect(toJalali(plusJalaliMonths(shahrivar31, 1))).toEqual({
            year: 1405,
            month: 7,
            day: 30,
        });
        expect(toJalali(plusJalaliMonths(day, -2))).toEqual({ year: 1404, month: 12, day: 20 });
    });
});

describe("web client", () => {
    afterEach(() => setSolarHijriCalendar(false));

    test("dates are shown, typed and sent to the server as they should", () => {
        patchWithCleanup(localization, {
            dateFormat: "yyyy/MM/dd",
            dateTimeFormat: "yyyy/MM/dd HH:mm:ss",
        });
        setSolarHijriCalendar(true);
        const nowruz = deserializeDate("2026-03-21");
        expect(formatDate(nowruz)).toBe("1405/01/01");
        expect(serializeDate(nowruz)).toBe("2026-03-21");
        expect(serializeDate(parseDate("1405/01/01"))).toBe("2026-03-21");
        expect(serializeDate(parseDate("۱۴۰۵/۰۲/۱۰"))).toBe("2026-04-30");
        expect(serializeDate(parseDate("14050101"))).toBe("2026-03-21");
        expect(() => parseDate("1405/12/30")).toThrow(); // 1405 is no leap year
        expect(serializeDate(parseDate("1403/12/30"))).toBe("2025-03-20");
        expect(() => parseDate("not a date")).toThrow();
        // a Gregorian year is read as typed
        expect(serializeDate(parseDate("2026/03/21"))).toBe("2026-03-21");
        const instant = parseDateTime("1405/01/01 10:30:00");
        expect(formatDateTime(instant)).toBe("1405/01/01 10:30:00");
        expect(serializeDateTime(instant)).toBe(
            serializeDateTime(DateTime.fromISO("2026-03-21T10:30:00"))
        );
        expect(nowruz.toFormat("MMMM yyyy", { locale: "en" })).toBe("Farvardin 1405");

        setSolarHijriCalendar(true, true);
        expect(formatDate(nowruz)).toBe("۱۴۰۵/۰۱/۰۱");
        expect(serializeDate(nowruz)).toBe("2026-03-21");

        setSolarHijriCalendar(false);
        expect(formatDate(nowruz)).toBe("2026/03/21");
        expect(serializeDate(parseDate("2026/03/21"))).toBe("2026-03-21");
    });

    test("date groups are labelled by Solar Hijri period, Gregorian ones are left alone", () => {
        patchTranslations();
        setSolarHijriCalendar(true);
        const farvardin = DateTime.fromISO("2026-03-21").setLocale("en");
        expect(solarHijriGroupLabel("month", farvardin)).toBe("Farvardin 1405");
        // a quarter keeps the server's label, translated there
        expect(solarHijriGroupLabel("quarter", farvardin)).toBe(null);
        expect(solarHijriGroupLabel("year", farvardin)).toBe("1405");
        expect(solarHijriGroupLabel("month", DateTime.fromISO("2026-03-01"))).toBe(null);
        expect(solarHijriGroupLabel("year", DateTime.fromISO("2026-04-21"))).toBe(null);
    });

    test("search filters mean Solar Hijri months, quarters and years", () => {
        patchTranslations();
        patchWithCleanup(localization, { direction: "ltr" });
        setSolarHijriCalendar(true);
        // 16 Farvardin 1405
        const reference = DateTime.fromISO("2026-04-05T10:00:00").setLocale("en");
        const dateFilter = { fieldName: "date", fieldType: "date", domain: "[]" };
        const filter = (ids) => solarHijriDateFilterDomain(reference, dateFilter, ids);
        const between = (from, to) =>
            Domain.and([
                new Domain(["&", ["date", ">=", from], ["date", "<=", to]]),
                "[]",
            ]).toString();

        const thisMonth = filter(["month", "year"]);
        expect(thisMonth.description).toBe("Farvardin 1405");
        expect(thisMonth.domain.toString()).toBe(between("2026-03-21", "2026-04-20"));
        // the month before Farvardin is Esfand of the year before (29 days in 1404)
        const lastMonth = filter(["month-1", "year-1"]);
        expect(lastMonth.description).toBe("Esfand 1404");
        expect(lastMonth.domain.toString()).toBe(between("2026-02-20", "2026-03-20"));
        expect(filter(["first_quarter", "year"]).domain.toString()).toBe(
            between("2026-03-21", "2026-06-21")
        );
        expect(filter(["year"]).domain.toString()).toBe(between("2026-03-21", "2027-03-20"));
    });
});
