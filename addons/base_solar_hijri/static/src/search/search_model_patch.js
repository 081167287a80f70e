/**
 * Date filters of the search panel in Solar Hijri: "this month", the previous months,
 * quarters (Q1 = Farvardin-Khordad) and years are Solar Hijri periods, with Solar Hijri
 * names, and their domains cover those periods. Custom ranges are typed in the Solar Hijri
 * pickers already. The comparison of pivots and graphs compares Solar Hijri periods too:
 * "previous period" of Farvardin 1405 is Esfand 1404, "previous year" is Farvardin 1404
 * (the same rules as Odoo's getComparisonParams, in Solar Hijri months).
 */
import { Domain } from "@web/core/domain";
import { serializeDate, serializeDateTime } from "@web/core/l10n/dates";
import { localization } from "@web/core/l10n/localization";
import { patch } from "@web/core/utils/patch";
import { SearchModel } from "@web/search/search_model";
import { QUARTERS, toGeneratorId } from "@web/search/utils/dates";
import { isSolarHijriActive, solarHijriSettings } from "../core/luxon_patch";
import {
    jalaliMonthNames,
    jalaliMonthsRange,
    plusJalaliMonths,
    toJalali,
    toPersianDigits,
} from "../core/solar_hijri_calendar";

const GENERATOR_ID = /^(month|year)([+-]\d+)?$/;
const MONTHS_PER = { month: 1, quarter: 3, year: 12 };
const PER_YEAR = { month: 12, quarter: 4, year: 1 };
const QUARTER_IDS = {
    first_quarter: 1,
    second_quarter: 2,
    third_quarter: 3,
    fourth_quarter: 4,
};

function digits(value) {
    return solarHijriSettings.persianDigits ? toPersianDigits(value) : String(value);
}

/**
 * @param {string} generatorId e.g. "month-2", "year"
 * @returns {{ unit: string, offset: number } | null}
 */
function parseGeneratorId(generatorId) {
    const match = GENERATOR_ID.exec(generatorId);
    return match ? { unit: match[1], offset: Number(match[2] || 0) } : null;
}

/**
 * @param {luxon.DateTime} reference
 * @param {number} offset Solar Hijri months from the reference's month
 * @returns {{ year: number, month: number }}
 */
function monthAt(reference, offset) {
    return toJalali(plusJalaliMonths(reference, offset));
}

/**
 * How many Solar Hijri months the compared periods lie before the selected ones, and the
 * periods to compare (Odoo's getComparisonParams in Solar Hijri): "previous year" moves
 * back twelve months; "previous period" moves back by as many months, quarters or years
 * as the selection spans, so that Farvardin 1405 compares with Esfand 1404 and the first
 * quarter of 1405 with the last quarter of 1404. With months selected, quarters count as
 * their three months.
 *
 * @param {number[]} years
 * @param {Array} periods [first month, number of months, label]
 * @param {string} comparisonOptionId "previous_period" or "previous_year"
 * @returns {{ shift: number, periods: Array }}
 */
function comparisonShift(years, periods, comparisonOptionId) {
    if (comparisonOptionId === "previous_year") {
        return { shift: -12, periods };
    }
    let granularity = "year";
    if (periods.some(([, months]) => months === 1)) {
        granularity = "month";
    } else if (periods.length) {
        granularity = "quarter";
    }
    if (granularity === "month") {
        const months = new Set();
        for (const [first, count] of periods) {
            for (let month = first; month < first + count; month++) {
                months.add(month);
            }
        }
        periods = [...months].map((month) => [month, 1, null]);
    }
    const options = periods.map(([first]) =>
        granularity === "quarter" ? (first + 2) / 3 : first
    );
    const optionMin = options.length ? Math.min(...options) : 0;
    const optionMax = options.length ? Math.max(...options) : 0;
    const num =
        -1 +
        PER_YEAR[granularity] * (Math.min(...years) - Math.max(...years)) +
        optionMin -
        optionMax;
    return { shift: num * MONTHS_PER[granularity], periods };
}

/**
 * The domain of a date or datetime field between two instants (both included).
 *
 * @param {string} fieldName
 * @param {"date"|"datetime"} fieldType
 * @param {{ start: luxon.DateTime, end: luxon.DateTime }} range
 * @returns {Domain}
 */
export function dateRangeDomain(fieldName, fieldType, { start, end }) {
    const serialize = fieldType === "date" ? serializeDate : serializeDateTime;
    return new Domain([
        "&",
        [fieldName, ">=", serialize(start)],
        [fieldName, "<=", serialize(end)],
    ]);
}

/**
 * The domain and description of a date filter's selected options, in Solar Hijri periods,
 * or of the periods they are compared with.
 *
 * @param {luxon.DateTime} reference "today" of the search model
 * @param {object} dateFilter the search item
 * @param {string[]} generatorIds the selected options ("month", "month-1", "year", ...)
 * @param {string} [comparisonOptionId] "previous_period" or "previous_year": the periods
 *  compared with the selected ones
 * @returns {{ domain: Domain, description: string } | null} null when an option is a custom
 *  domain (Odoo's own code handles those)
 */
export function solarHijriDateFilterDomain(
    reference,
    dateFilter,
    generatorIds,
    comparisonOptionId = null
) {
    const current = toJalali(reference);
    const years = [];
    let periods = []; // [first month, number of months, label]
    for (const generatorId of generatorIds) {
        const parsed = parseGeneratorId(generatorId);
        if (parsed && parsed.unit === "year") {
            years.push(current.year + parsed.offset);
        } else if (parsed && parsed.unit === "month") {
            const { month } = monthAt(reference, parsed.offset);
            periods.push([month, 1, null]);
        } else if (generatorId in QUARTER_IDS) {
            const quarter = QUARTER_IDS[generatorId];
            periods.push([quarter * 3 - 2, 3, QUARTERS[quarter].description.toString()]);
        } else {
            return null;
        }
    }
    let shift = 0;
    if (comparisonOptionId) {
        if (!years.length) {
            return null;
        }
        ({ shift, periods } = comparisonShift(years, periods, comparisonOptionId));
    }
    years.sort((a, b) => a - b);
    periods.sort((a, b) => a[1] - b[1] || a[0] - b[0]);
    const { fieldName, fieldType } = dateFilter;
    const names = jalaliMonthNames(reference.locale || "en");
    const method = localization.direction === "rtl" ? "push" : "unshift";
    const ranges = [];
    for (const year of years) {
        for (const [month, months] of periods.length ? periods : [[1, 12, null]]) {
            const range = jalaliMonthsRange(reference, year, month, months, shift);
            const shifted = toJalali(range.start);
            const descriptions = [digits(shifted.year)];
            if (months === 1) {
                descriptions[method](names[shifted.month - 1]);
            } else if (months === 3) {
                const quarter = (shifted.month + 2) / 3;
                descriptions[method](QUARTERS[quarter].description.toString());
            }
            ranges.push({
                domain: dateRangeDomain(fieldName, fieldType, range),
                description: descriptions.join(" "),
            });
        }
    }
    const domain = Domain.and([
        Domain.combine(
            ranges.map((range) => range.domain),
            "OR"
        ),
        dateFilter.domain,
    ]);
    return { domain, description: ranges.map((range) => range.description).join("/") };
}

patch(SearchModel.prototype, {
    getFullComparison() {
        const comparison = super.getFullComparison();
        if (!comparison || !isSolarHijriActive()) {
            return comparison;
        }
        // the last comparison chosen, as Odoo finds it; a favorite keeps the ranges it was
        // saved with
        const searchItem = this.query
            .map((elem) => this.searchItems[elem.searchItemId])
            .findLast((item) => item.type === "comparison" || item.comparison);
        if (searchItem?.type !== "comparison") {
            return comparison;
        }
        const { dateFilterId, comparisonOptionId } = searchItem;
        const dateFilter = this.searchItems[dateFilterId];
        const generatorIds = this._getSelectedGeneratorIds(dateFilterId);
        const reference = this.referenceMoment;
        const range = solarHijriDateFilterDomain(reference, dateFilter, generatorIds);
        const compared = solarHijriDateFilterDomain(
            reference,
            dateFilter,
            generatorIds,
            comparisonOptionId
        );
        if (!range || !compared) {
            return comparison;
        }
        return {
            ...comparison,
            range: range.domain.toList(),
            rangeDescription: range.description,
            comparisonRange: compared.domain.toList(),
            comparisonRangeDescription: compared.description,
        };
    },

    _getDateFilterDomain(dateFilter, generatorIds, key = "domain") {
        if (isSolarHijriActive()) {
            const result = solarHijriDateFilterDomain(
                this.referenceMoment,
                dateFilter,
                generatorIds
            );
            if (result) {
                return result[key];
            }
        }
        return super._getDateFilterDomain(dateFilter, generatorIds, key);
    },

    toggleDateFilter(searchItemId, generatorId) {
        const before = this.query.length;
        super.toggleDateFilter(searchItemId, generatorId);
        if (!isSolarHijriActive() || this.query.length !== before + 2) {
            return;
        }
        // Odoo added a month and the year it falls in; in Solar Hijri that year can differ
        // (the month before Farvardin is Esfand of the previous year)
        const [monthElem, yearElem] = this.query.slice(-2);
        const month = parseGeneratorId(monthElem.generatorId || "");
        const year = parseGeneratorId(yearElem.generatorId || "");
        if (month?.unit !== "month" || year?.unit !== "year") {
            return;
        }
        const { startYear, endYear } = this.searchItems[searchItemId].optionsParams;
        const reference = this.referenceMoment;
        const offset = monthAt(reference, month.offset).year - toJalali(reference).year;
        const clamped = Math.min(Math.max(offset, startYear), endYear);
        yearElem.generatorId = toGeneratorId("year", clamped);
        this._notify();
    },

    _enrichItem(searchItem) {
        const item = super._enrichItem(searchItem);
        if (!item || searchItem.type !== "dateFilter" || !isSolarHijriActive()) {
            return item;
        }
        const reference = this.referenceMoment;
        const names = jalaliMonthNames(reference.locale || "en");
        item.options = item.options.map((option) => {
            const parsed = parseGeneratorId(option.id);
            if (!parsed) {
                return option;
            }
            const { year, month } = monthAt(reference, parsed.unit === "month" ? parsed.offset : 0);
            const description =
                parsed.unit === "month" ? names[month - 1] : digits(year + parsed.offset);
            return { ...option, description };
        });
        return item;
    },
});
