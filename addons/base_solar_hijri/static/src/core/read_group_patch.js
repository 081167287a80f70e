/**
 * Labels of date groups (list and kanban group headers, pivot and graph headers) in
 * Solar Hijri.
 *
 * The server labels a group of a date field in read_group / web_read_group ("March 2026")
 * and sends the group's first day in `__range`. For a Solar Hijri user, base_solar_hijri's
 * server side groups by Solar Hijri month, quarter and year, so that first day is the
 * Gregorian date of 1 Farvardin, 1 Tir... This patch writes the label of such a group in
 * Solar Hijri with the browser's month names and the user's digits ("فروردین ۱۴۰۵",
 * "1405"; a day group, which the server labels in Gregorian: "1 فروردین 1405").
 * Quarters keep the server's label ("Q1 1405", translated there).
 * A group that does not start a Solar Hijri period (a server that still groups by
 * Gregorian month) keeps the server's label: no label ever names a period it is not.
 */
import { ORM } from "@web/core/orm_service";
import { user } from "@web/core/user";
import { patch } from "@web/core/utils/patch";
import { isSolarHijriActive } from "./luxon_patch";
import { toJalali } from "./solar_hijri_calendar";

const { DateTime } = luxon;

const READ_GROUP_METHODS = ["read_group", "web_read_group"];

/**
 * @param {string} from the group's first day or instant, as the server writes it
 * @param {string} [tz] the time zone the server grouped datetimes in
 * @returns {luxon.DateTime | null}
 */
function groupStart(from, tz) {
    if (typeof from !== "string") {
        return null;
    }
    if (from.length <= 10) {
        return DateTime.fromISO(from);
    }
    return DateTime.fromSQL(from, { zone: "utc" }).setZone(tz || "default");
}

/**
 * The Solar Hijri label of a date group, or null when the group is no Solar Hijri period.
 *
 * @param {string} granularity "day", "month", "year" (others: null)
 * @param {luxon.DateTime} start the group's first day
 * @returns {string | null}
 */
export function solarHijriGroupLabel(granularity, start) {
    if (!start || !start.isValid) {
        return null;
    }
    const { month, day } = toJalali(start);
    switch (granularity) {
        case "day":
            return start.toFormat("d MMMM yyyy");
        case "month":
            return day === 1 ? start.toFormat("MMMM yyyy") : null;
        case "year":
            return day === 1 && month === 1 ? start.toFormat("yyyy") : null;
    }
    return null;
}

/**
 * Rewrites, in place, the labels of the date groups of read_group's groups.
 *
 * @param {object[]} groups
 * @param {string} [tz]
 */
export function relabelDateGroups(groups, tz) {
    for (const group of groups) {
        for (const [spec, range] of Object.entries(group.__range || {})) {
            if (!range || typeof group[spec] !== "string") {
                continue;
            }
            const granularity = spec.split(":")[1] || "month";
            const label = solarHijriGroupLabel(granularity, groupStart(range.from, tz));
            if (label) {
                group[spec] = label;
            }
        }
    }
    return groups;
}

patch(ORM.prototype, {
    async call(model, method, args = [], kwargs = {}) {
        const result = await super.call(...arguments);
        if (isSolarHijriActive() && READ_GROUP_METHODS.includes(method) && result) {
            const tz = (kwargs.context && kwargs.context.tz) || user.tz;
            relabelDateGroups(Array.isArray(result) ? result : result.groups || [], tz);
        }
        return result;
    },
});
