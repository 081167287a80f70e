/**
 * Tours of base_solar_hijri's web client, run by tests/test_tours.py: a Persian user picks
 * and types Solar Hijri dates, reads them in a list, a pivot and the calendar view; an
 * English user of the same database still sees Gregorian dates.
 */
import { registry } from "@web/core/registry";

const tours = registry.category("web_tour.tours");

const DEADLINE_INPUT = ".o_field_widget[name=date_deadline] input";

function checkValue(selector, expected) {
    return {
        content: `${selector} reads ${expected}`,
        trigger: selector,
        run() {
            const value = document.querySelector(selector).value;
            if (value !== expected) {
                throw new Error(`${selector} reads "${value}", expected "${expected}"`);
            }
        },
    };
}

function checkText(selector, expected) {
    return {
        content: `${selector} shows ${expected}`,
        trigger: selector,
        run() {
            const text = document.querySelector(selector).textContent.trim();
            if (text !== expected) {
                throw new Error(`${selector} shows "${text}", expected "${expected}"`);
            }
        },
    };
}

function saveForm() {
    return [
        { content: "save", trigger: ".o_form_button_save:enabled", run: "click" },
        { content: "saved", trigger: ".o_form_readonly, .o_form_saved" },
    ];
}

tours.add("base_solar_hijri_pick_date", {
    steps: () => [
        checkValue(DEADLINE_INPUT, "1405/01/05"),
        { content: "open the picker", trigger: DEADLINE_INPUT, run: "click" },
        {
            content: "the picker shows Farvardin 1405",
            trigger: ".o_datetime_picker .o_zoom_out:contains(فروردین 1405)",
        },
        // weeks start on Saturday: 1 Farvardin 1405 (a Saturday) is the first cell
        checkText(".o_datetime_picker .o_date_picker > .o_date_item_cell", "1"),
        {
            content: "pick 1 Farvardin",
            trigger: ".o_datetime_picker button.o_date_item_cell:first",
            run: "click",
        },
        checkValue(DEADLINE_INPUT, "1405/01/01"),
        ...saveForm(),
    ],
});

tours.add("base_solar_hijri_type_date", {
    steps: () => [
        { content: "type a Solar Hijri date", trigger: DEADLINE_INPUT, run: "edit 1405/12/30" },
        { content: "leave the field", trigger: ".o_form_view .o_form_sheet", run: "click" },
        // 1405 has no 30 Esfand (not a leap year): the field keeps its value
        checkValue(DEADLINE_INPUT, "1405/01/02"),
        { content: "type Persian digits", trigger: DEADLINE_INPUT, run: "edit ۱۴۰۵/۰۲/۱۰" },
        { content: "leave the field", trigger: ".o_form_view .o_form_sheet", run: "click" },
        checkValue(DEADLINE_INPUT, "1405/02/10"),
        ...saveForm(),
    ],
});

tours.add("base_solar_hijri_list", {
    steps: () => [
        {
            content: "the leave's start shows in Solar Hijri",
            trigger: ".o_list_table .o_data_row td[name=date_from]:contains(1405/01/01)",
        },
        {
            content: "and its end",
            trigger: ".o_list_table .o_data_row td[name=date_to]:contains(1405/01/04)",
        },
    ],
});

tours.add("base_solar_hijri_pivot", {
    steps: () => [
        {
            content: "grouped by month, the pivot names Solar Hijri months",
            trigger: ".o_pivot .o_pivot_header_cell_closed:contains(فروردین 1405)",
        },
        {
            content: "the Esfand activity sits in Esfand 1404",
            trigger: ".o_pivot .o_pivot_header_cell_closed:contains(اسفند 1404)",
        },
        {
            content: "Ordibehesht 1405 is its own month",
            trigger: ".o_pivot .o_pivot_header_cell_closed:contains(اردیبهشت 1405)",
        },
    ],
});

tours.add("base_solar_hijri_calendar", {
    steps: () => [
        {
            content: "the calendar's title is Farvardin 1405",
            trigger: ".o_calendar_header:contains(فروردین 1405)",
        },
        // the month grid starts on Saturday 1 Farvardin: no day of Esfand before it
        checkText(".fc-daygrid-body td.fc-daygrid-day .fc-daygrid-day-number", "1"),
        {
            content: "Nowruz shows in the grid",
            trigger: ".fc-daygrid-body .fc-event:contains(Nowruz)",
        },
        { content: "next month", trigger: ".o_calendar_button_next", run: "click" },
        {
            content: "Ordibehesht 1405 follows",
            trigger: ".o_calendar_header:contains(اردیبهشت 1405)",
        },
    ],
});

tours.add("base_solar_hijri_english", {
    steps: () => [
        checkValue(DEADLINE_INPUT, "03/25/2026"),
        { content: "open the picker", trigger: DEADLINE_INPUT, run: "click" },
        {
            content: "the picker is Gregorian",
            trigger: ".o_datetime_picker .o_zoom_out:contains(March 2026)",
        },
    ],
});
