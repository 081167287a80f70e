/**
 * Date filters of spreadsheets and dashboards in Solar Hijri for a user whose calendar is
 * Solar Hijri (base_solar_hijri): the year, quarter and month a fixed-period filter names,
 * its default (this quarter, this month), "year to date", the months' names in the
 * filter's list, the text ODOO.FILTER.VALUE gives, and the filter set by clicking a
 * pivot's year or month header. Without this, the year picker showed 1405 beside
 * Gregorian quarters and months, and the pivots, grouped by Solar Hijri month, were cut
 * in the middle of their first and last months.
 * Other users keep Odoo's behaviour: every patch defers to it when the calendar is off.
 */
import { patch } from "@web/core/utils/patch";
import { GlobalFiltersUIPlugin } from "@spreadsheet/global_filters/plugins/global_filters_ui_plugin";
import { DateFilterValue } from "@spreadsheet/global_filters/components/filter_date_value/filter_date_value";
import { PivotUIGlobalFilterPlugin } from "@spreadsheet/pivot/plugins/pivot_ui_global_filter_plugin";
import { isSolarHijriActive } from "@base_solar_hijri/core/luxon_patch";
import { dateRangeDomain } from "@base_solar_hijri/search/search_model_patch";
import { plusJalaliMonths, toJalali } from "@base_solar_hijri/core/solar_hijri_calendar";
import {
    currentSolarHijriPeriod,
    gregorianToSolarHijriYears,
    solarHijriMonthOptions,
    solarHijriPeriodBounds,
    solarHijriYearToDate,
} from "./solar_hijri_periods";

const { DateTime } = luxon;

/** A year offset this far back is a Solar Hijri year read as a Gregorian one. */
const SOLAR_HIJRI_YEAR_READ_AS_GREGORIAN = -300;

patch(GlobalFiltersUIPlugin.prototype, {
    _getDateDomain(filter, fieldMatching) {
        const value = this.getGlobalFilterValue(filter.id);
        if (!isSolarHijriActive() || !value || !fieldMatching.chain) {
            return super._getDateDomain(...arguments);
        }
        const now = DateTime.local();
        const offset = fieldMatching.offset || 0;
        const { chain, type } = fieldMatching;
        if (filter.rangeType === "relative" && value === "year_to_date") {
            return dateRangeDomain(chain, type, solarHijriYearToDate(now, offset));
        }
        const noPeriod = !value.period || value.period === "empty";
        if (filter.rangeType !== "fixedPeriod" || (noPeriod && value.yearOffset === undefined)) {
            return super._getDateDomain(...arguments);
        }
        const bounds = solarHijriPeriodBounds(now, value, offset);
        return bounds ? dateRangeDomain(chain, type, bounds) : super._getDateDomain(...arguments);
    },

    _getValueOfCurrentPeriod(filterId) {
        if (isSolarHijriActive()) {
            const filter = this.getters.getGlobalFilter(filterId);
            const current = currentSolarHijriPeriod(filter.defaultValue, DateTime.local());
            if (current) {
                return current;
            }
        }
        return super._getValueOfCurrentPeriod(filterId);
    },

    getFilterDisplayValue(filterName) {
        const result = super.getFilterDisplayValue(filterName);
        const filter = this.getters.getGlobalFilterLabel(filterName);
        const value = this.getGlobalFilterValue(filter.id);
        if (
            !isSolarHijriActive() ||
            filter.type !== "date" ||
            filter.rangeType !== "fixedPeriod" ||
            value?.yearOffset === undefined
        ) {
            return result;
        }
        // "Q1/2026", "01/2026", "2026": the same period number, the Solar Hijri year
        const text = String(result[0][0].value);
        const year = String(toJalali(DateTime.local()).year + value.yearOffset);
        const slash = text.lastIndexOf("/");
        return [[{ value: slash >= 0 ? `${text.slice(0, slash)}/${year}` : year }]];
    },
});

patch(PivotUIGlobalFilterPlugin.prototype, {
    getFiltersMatchingPivotArgs(pivotId, pivotDomain) {
        const matching = super.getFiltersMatchingPivotArgs(...arguments);
        if (!isSolarHijriActive()) {
            return matching;
        }
        const years = gregorianToSolarHijriYears(DateTime.local());
        return matching.map((match) => {
            const value = match.value;
            if (
                this.getters.getGlobalFilter(match.filterId).type !== "date" ||
                !(value?.yearOffset < SOLAR_HIJRI_YEAR_READ_AS_GREGORIAN)
            ) {
                return match;
            }
            const solarHijri = { ...value, yearOffset: value.yearOffset + years };
            const current = this.getters.getGlobalFilterValue(match.filterId);
            // clicking the header of the period already filtered clears the filter
            const same = JSON.stringify(solarHijri) === JSON.stringify(current);
            return { ...match, value: same ? undefined : solarHijri };
        });
    },
});

patch(DateFilterValue.prototype, {
    getDateOptions(props) {
        const options = super.getDateOptions(props);
        if (!isSolarHijriActive()) {
            return options;
        }
        const months = new Map(
            solarHijriMonthOptions(DateTime.local().locale).map((month) => [month.id, month])
        );
        return options.map((option) => months.get(option.id) || option);
    },

    _setStateFromProps(props) {
        super._setStateFromProps(props);
        if (isSolarHijriActive() && this.yearOffset !== undefined) {
            this.date = plusJalaliMonths(DateTime.local(), 12 * this.yearOffset);
        }
    },

    onYearChanged(date) {
        if (!isSolarHijriActive()) {
            return super.onYearChanged(date);
        }
        this.date = date;
        this.yearOffset = toJalali(date).year - toJalali(DateTime.now()).year;
        this._updateFilter();
    },
});
