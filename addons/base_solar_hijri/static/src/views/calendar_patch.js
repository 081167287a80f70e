/**
 * The calendar view in Solar Hijri: its month and year scales show Solar Hijri months
 * (the month grid runs from the week of 1 Farvardin, 1 Ordibehesht..., other months' days
 * greyed), day cells and week/day headers carry Solar Hijri day numbers, the titles name
 * Solar Hijri months and years, and previous/next move by Solar Hijri month and year.
 * The records are still loaded for the range the model computes, in Gregorian instants.
 */
import { CalendarController } from "@web/views/calendar/calendar_controller";
import { CalendarModel } from "@web/views/calendar/calendar_model";
import {
    CalendarCommonPopover,
} from "@web/views/calendar/calendar_common/calendar_common_popover";
import { CalendarYearPopover } from "@web/views/calendar/calendar_year/calendar_year_popover";
import {
    CalendarCommonRenderer,
} from "@web/views/calendar/calendar_common/calendar_common_renderer";
import { CalendarYearRenderer } from "@web/views/calendar/calendar_year/calendar_year_renderer";
import { patch } from "@web/core/utils/patch";
import { isSolarHijriActive, solarHijriSettings } from "../core/luxon_patch";
import {
    endOfJalali,
    jalaliMonthNames,
    plusJalaliMonths,
    setJalali,
    startOfJalali,
    toJalali,
    toPersianDigits,
} from "../core/solar_hijri_calendar";

const { DateTime } = luxon;

/** FullCalendar view of six weeks: Odoo's month grid, aligned on a Solar Hijri month. */
const SOLAR_MONTH_VIEW = "dayGridSolarHijriMonth";
const SOLAR_MONTH_VIEWS = { [SOLAR_MONTH_VIEW]: { type: "dayGrid", duration: { weeks: 6 } } };
/** Class of the day cells of Solar Hijri month grids. */
const SOLAR_DAY = "o_solar_hijri_day";
/** Months previous/next move by, per scale. */
const SCALE_MONTHS = { month: 1, year: 12 };

function digits(value) {
    return solarHijriSettings.persianDigits ? toPersianDigits(value) : String(value);
}

/**
 * FullCalendar hands the day cells of its month grids as dates without time zone.
 * @param {Date} date
 */
function cellDay(date) {
    return DateTime.fromJSDate(date, { zone: "UTC" });
}

/**
 * @param {luxon.DateTime} date
 * @returns {string} e.g. "فروردین ۱۴۰۵"
 */
function monthTitle(date) {
    const { year, month } = toJalali(date);
    return `${jalaliMonthNames(date.locale || "en")[month - 1]} ${digits(year)}`;
}

/**
 * The days an event spans, as Odoo's getFormattedDateSpan writes them, in Solar Hijri
 * ("1-4 فروردین 1405"; Odoo's own compares Gregorian months).
 *
 * @param {luxon.DateTime} start
 * @param {luxon.DateTime} end
 */
export function solarHijriDateSpan(start, end) {
    const first = toJalali(start);
    const last = toJalali(end);
    if (first.year === last.year && first.month === last.month) {
        if (first.day === last.day) {
            return start.toFormat("DDD");
        }
        return `${digits(first.day)}-${digits(last.day)} ${monthTitle(start)}`;
    }
    return `${start.toFormat("DDD")} - ${end.toFormat("DDD")}`;
}

patch(CalendarCommonPopover.prototype, {
    computeDateTimeAndDuration() {
        super.computeDateTimeAndDuration();
        if (isSolarHijriActive() && !this.props.model.isDateHidden) {
            this.date = solarHijriDateSpan(this.props.record.start, this.props.record.end);
        }
    },
});

patch(CalendarYearPopover.prototype, {
    groupRecords() {
        const groups = super.groupRecords();
        if (isSolarHijriActive()) {
            for (const group of Object.values(groups)) {
                group.title = solarHijriDateSpan(group.start, group.end);
            }
        }
        return groups;
    },
});

patch(CalendarModel.prototype, {
    computeRange() {
        const { scale, date, firstDayOfWeek } = this.meta;
        if (!isSolarHijriActive() || !["month", "year"].includes(scale)) {
            return super.computeRange();
        }
        let start = startOfJalali(date, scale);
        let end = endOfJalali(date, scale);
        if (scale === "month") {
            start = start.minus({ days: (start.weekday - firstDayOfWeek + 7) % 7 });
            end = start.plus({ weeks: 6, days: -1 });
        }
        return { start: start.startOf("day"), end: end.endOf("day") };
    },
});

patch(CalendarController.prototype, {
    async setDate(move) {
        const months = SCALE_MONTHS[this.model.scale];
        if (!isSolarHijriActive() || !months || !["next", "previous"].includes(move)) {
            return super.setDate(move);
        }
        const date = plusJalaliMonths(this.model.date, move === "next" ? months : -months);
        await this.model.load({ date });
    },

    get currentYear() {
        return isSolarHijriActive() ? digits(toJalali(this.date).year) : super.currentYear;
    },

    get currentMonth() {
        return isSolarHijriActive() ? monthTitle(this.date) : super.currentMonth;
    },

    get dayHeader() {
        return isSolarHijriActive() ? this.date.toFormat("d MMMM yyyy") : super.dayHeader;
    },

    get weekHeader() {
        if (!isSolarHijriActive()) {
            return super.weekHeader;
        }
        const { rangeStart, rangeEnd } = this.model;
        const first = monthTitle(rangeStart);
        const last = monthTitle(rangeEnd);
        return first === last ? first : `${first} - ${last}`;
    },

    get currentDate() {
        const text = super.currentDate;
        if (!text || !isSolarHijriActive()) {
            return text;
        }
        return ` - ${monthTitle(this.date)}`;
    },
});

patch(CalendarCommonRenderer.prototype, {
    get options() {
        const options = super.options;
        if (!isSolarHijriActive() || this.props.model.scale !== "month") {
            return options;
        }
        const { model } = this.props;
        const month = toJalali(model.date).month;
        return {
            ...options,
            initialView: SOLAR_MONTH_VIEW,
            views: SOLAR_MONTH_VIEWS,
            initialDate: model.rangeStart.toISODate(),
            dayCellContent: ({ date }) => digits(toJalali(cellDay(date)).day),
            dayCellClassNames: (info) => {
                const classNames = [...options.dayCellClassNames.call(this, info), SOLAR_DAY];
                if (toJalali(cellDay(info.date)).month !== month) {
                    classNames.push("fc-day-other");
                }
                return classNames;
            },
        };
    },

    headerTemplateProps(date) {
        const props = super.headerTemplateProps(date);
        if (isSolarHijriActive()) {
            const zone = this.props.model.scale === "month" ? "UTC" : undefined;
            props.day = digits(toJalali(DateTime.fromJSDate(date, zone ? { zone } : {})).day);
        }
        return props;
    },
});

patch(CalendarYearRenderer.prototype, {
    getOptionsForMonth(month) {
        const options = super.getOptionsForMonth(month);
        if (!isSolarHijriActive()) {
            return options;
        }
        const { year } = toJalali(this.props.model.date);
        const jalaliMonth = this.months.indexOf(month) + 1;
        const start = setJalali(this.props.model.date, year, jalaliMonth, 1).startOf("day");
        return {
            ...options,
            initialView: SOLAR_MONTH_VIEW,
            views: SOLAR_MONTH_VIEWS,
            initialDate: start.toISODate(),
            titleFormat: () => monthTitle(start),
            dayCellContent: ({ date }) => digits(toJalali(cellDay(date)).day),
            dayCellClassNames: (info) => {
                const classNames = [...options.dayCellClassNames.call(this, info), SOLAR_DAY];
                if (toJalali(cellDay(info.date)).month !== jalaliMonth) {
                    classNames.push("o_solar_hijri_other_month");
                }
                return classNames;
            },
        };
    },
});
