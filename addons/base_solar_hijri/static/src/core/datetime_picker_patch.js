/**
 * The date and date-range pickers in Solar Hijri: a month grid of a Solar Hijri month
 * (weeks from Saturday), Persian month names, years and decades counted in Solar Hijri,
 * previous/next by Solar Hijri month, year, decade and century. What the picker returns
 * is unchanged: DateTimes (Gregorian inside), as for any user.
 */
import { DateTimePicker } from "@web/core/datetime/datetime_picker";
import { isInRange, today } from "@web/core/l10n/dates";
import { localization } from "@web/core/l10n/localization";
import { patch } from "@web/core/utils/patch";
import { isSolarHijriActive, solarHijriSettings } from "./luxon_patch";
import {
    endOfJalali,
    jalaliMonthNames,
    plusJalaliMonths,
    setJalali,
    startOfJalali,
    toJalali,
    toPersianDigits,
} from "./solar_hijri_calendar";

const { Info } = luxon;

const DAYS_PER_WEEK = 7;
const WEEKS_PER_MONTH = 6;
const GRID_COUNT = 10;
const GRID_MARGIN = 1;

/** Months the previous/next arrows move by, per precision level. */
const STEP_MONTHS = { days: 1, months: 12, years: 120, decades: 1200 };

function digits(value) {
    return solarHijriSettings.persianDigits ? toPersianDigits(value) : String(value);
}

function monthName(date, length = "long") {
    return jalaliMonthNames(date.locale || "en", length)[toJalali(date).month - 1];
}

function startOfWeek(date) {
    const { weekStart } = localization;
    return date.set({ weekday: date.weekday < weekStart ? weekStart - 7 : weekStart });
}

function dateItem({ isOutOfRange = false, isValid = true, label, range, extraClass = "" }) {
    return {
        id: range[0].toISODate(),
        includesToday: isInRange(today(), range),
        isOutOfRange,
        isValid,
        label,
        range,
        extraClass,
    };
}

/** The days grid of the Solar Hijri month starting on monthStart. */
function monthItem(monthStart, index, params) {
    const { maxDate, minDate, showWeekNumbers, isDateValid, dayCellClass } = params;
    const monthRange = [monthStart, endOfJalali(monthStart, "month")];
    const weeks = [];
    let weekStart = startOfWeek(monthRange[0]);
    for (let w = 0; w < WEEKS_PER_MONTH; w++) {
        const days = [];
        for (let d = 0; d < DAYS_PER_WEEK; d++) {
            const day = weekStart.plus({ day: d });
            const range = [day, day.endOf("day")];
            days.push(
                dateItem({
                    isOutOfRange: !isInRange(day, monthRange),
                    isValid: isInRange(range, [minDate, maxDate]) && (isDateValid?.(day) ?? true),
                    label: digits(toJalali(day).day),
                    range,
                    extraClass: dayCellClass?.(day) || "",
                })
            );
        }
        weeks.push({ number: days[3].range[0].weekNumber, days });
        weekStart = weekStart.plus({ days: DAYS_PER_WEEK });
    }
    const daysOfWeek = weeks[0].days.map((d) => {
        const { locale, weekday, weekdayShort, weekdayLong } = d.range[0];
        const narrow = Info.weekdays("narrow", { locale })[weekday - 1];
        // Persian has no short weekday names ("short" is the whole word): calendars print
        // the first letter (ش ی د س چ پ ج)
        return [locale?.startsWith("fa") ? narrow : weekdayShort, weekdayLong, narrow];
    });
    if (showWeekNumbers) {
        daysOfWeek.unshift(params.weekNumbersHeader || ["#", "#", "#"]);
    }
    return { id: `__month__${index}`, number: toJalali(monthStart).month, daysOfWeek, weeks };
}

/** The year items (or decade items, step 10) around the Solar Hijri year of date. */
function yearItems(date, step, { maxDate, minDate }) {
    const { year } = toJalali(date);
    const first = Math.floor(year / (step * 10)) * step * 10;
    const items = [];
    for (let i = -GRID_MARGIN; i < GRID_COUNT + GRID_MARGIN; i++) {
        const start = setJalali(date, first + i * step, 1, 1).startOf("day");
        const end = plusJalaliMonths(start, 12 * step).minus({ milliseconds: 1 });
        items.push(
            dateItem({
                isOutOfRange: i < 0 || i >= GRID_COUNT,
                isValid: isInRange([start, end], [minDate, maxDate]),
                label: digits(first + i * step),
                range: [start, end],
            })
        );
    }
    return items;
}

/**
 * @param {string} precision "days", "months", "years" or "decades"
 * @param {luxon.DateTime} date the focused date (first day of a Solar Hijri month)
 * @param {object} params the picker's getter parameters
 * @returns {{ title: string | string[], items: object[] }}
 */
export function solarHijriPickerContent(precision, date, params) {
    const { year } = toJalali(date);
    if (precision === "days") {
        const starts = [date];
        if (params.additionalMonth) {
            starts.push(plusJalaliMonths(date, 1));
        }
        const items = starts.map((start, i) => monthItem(start, i, params));
        const usesLastWeek = (month) =>
            month.weeks[WEEKS_PER_MONTH - 1].days.some((day) => !day.isOutOfRange);
        if (!items.some(usesLastWeek)) {
            // no month needs a sixth week: drop it, as Odoo's own picker does
            items.forEach((month) => month.weeks.pop());
        }
        const title = starts.map((start) => `${monthName(start)} ${digits(toJalali(start).year)}`);
        return { title, items };
    }
    if (precision === "months") {
        const yearStart = startOfJalali(date, "year");
        const items = [];
        for (let i = 0; i < 12; i++) {
            const start = plusJalaliMonths(yearStart, i);
            const range = [start, endOfJalali(start, "month")];
            items.push(
                dateItem({
                    isValid: isInRange(range, [params.minDate, params.maxDate]),
                    label: monthName(start, "short"),
                    range,
                })
            );
        }
        return { title: digits(year), items };
    }
    const step = precision === "years" ? 1 : 10;
    const first = Math.floor(year / (step * 10)) * step * 10;
    return {
        title: `${digits(first - step)} - ${digits(first + step * 10)}`,
        items: yearItems(date, step, params),
    };
}

patch(DateTimePicker.prototype, {
    onWillRender() {
        super.onWillRender();
        if (!isSolarHijriActive()) {
            return;
        }
        const { dayCellClass, isDateValid, range, showWeekNumbers } = this.props;
        // the week numbers' column header of Odoo's own grid ("#", "Week numbers")
        const weekNumbersHeader = this.items[0]?.daysOfWeek?.[0];
        const content = solarHijriPickerContent(this.state.precision, this.state.focusDate, {
            weekNumbersHeader,
            additionalMonth: this.additionalMonth,
            maxDate: this.maxDate,
            minDate: this.minDate,
            showWeekNumbers: showWeekNumbers ?? !range,
            isDateValid,
            dayCellClass,
        });
        this.title = content.title;
        this.items = content.items;
    },

    adjustFocus(values, focusedDateIndex) {
        if (!isSolarHijriActive()) {
            return super.adjustFocus(values, focusedDateIndex);
        }
        if (!this.shouldAdjustFocusDate && this.state.focusDate) {
            return;
        }
        let dateToFocus =
            values[focusedDateIndex] || values[focusedDateIndex === 1 ? 0 : 1] || today();
        if (
            this.additionalMonth &&
            focusedDateIndex === 1 &&
            values[0] &&
            values[1] &&
            toJalali(values[0]).month !== toJalali(values[1]).month
        ) {
            dateToFocus = plusJalaliMonths(dateToFocus, -1);
        }
        this.shouldAdjustFocusDate = false;
        this.state.focusDate = this.clamp(startOfJalali(dateToFocus, "month"));
    },

    next(ev) {
        if (!isSolarHijriActive()) {
            return super.next(ev);
        }
        ev.preventDefault();
        const months = STEP_MONTHS[this.state.precision];
        this.state.focusDate = this.clamp(plusJalaliMonths(this.state.focusDate, months));
    },

    previous(ev) {
        if (!isSolarHijriActive()) {
            return super.previous(ev);
        }
        ev.preventDefault();
        const months = STEP_MONTHS[this.state.precision];
        this.state.focusDate = this.clamp(plusJalaliMonths(this.state.focusDate, -months));
    },
});
