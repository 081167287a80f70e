/** @odoo-module **/

import {registry} from "@web/core/registry";

/* The board's gestures as the browser sends them: a visit to plan is dragged with HTML5 drag
 * events (the board's dragstart handler fills the DataTransfer that vis-timeline's drop
 * handler reads), a bar is dragged with pointer events (vis-timeline moves items through
 * hammer.js, which listens to pointerdown on the item and pointermove/pointerup on the
 * window). Positions are fractions of the visible day, from its start (the right in right
 * to left). */

function timeline() {
    const center = document.querySelector(".vis-panel.vis-center");
    const rtl = getComputedStyle(center).direction === "rtl" || document.dir === "rtl";
    return {frame: center.getBoundingClientRect(), center, rtl};
}

function laneMiddle(technician) {
    const label = [...document.querySelectorAll(".vis-label")].find((el) =>
        el.textContent.includes(technician)
    );
    const rect = label.getBoundingClientRect();
    return rect.top + rect.height / 2;
}

function xAt(fraction) {
    const {frame, rtl} = timeline();
    const offset = frame.width * fraction;
    return rtl ? frame.right - offset : frame.left + offset;
}

function dragEvent(type, target, data, x, y) {
    target.dispatchEvent(
        new DragEvent(type, {
            bubbles: true,
            cancelable: true,
            dataTransfer: data,
            clientX: x,
            clientY: y,
        })
    );
}

/** Drags the visit to plan `summary` from the list onto `technician`'s lane. */
function dropOnLane(summary, technician, fraction) {
    const source = [...document.querySelectorAll(".o_fs_board_unplanned_item")].find((el) =>
        el.textContent.includes(summary)
    );
    const {center} = timeline();
    const x = xAt(fraction);
    const y = laneMiddle(technician);
    const data = new DataTransfer();
    const from = source.getBoundingClientRect();
    dragEvent("dragstart", source, data, from.left + 5, from.top + 5);
    const target = document.elementFromPoint(x, y) || center;
    dragEvent("dragenter", target, data, x, y);
    dragEvent("dragover", target, data, x, y);
    dragEvent("drop", target, data, x, y);
    dragEvent("dragend", source, data, x, y);
}

function pointer(type, target, x, y) {
    target.dispatchEvent(
        new PointerEvent(type, {
            bubbles: true,
            cancelable: true,
            composed: true,
            pointerId: 1,
            pointerType: "mouse",
            isPrimary: true,
            button: 0,
            buttons: type === "pointerup" ? 0 : 1,
            clientX: x,
            clientY: y,
        })
    );
}

/** Drags the bar of `summary` so that it starts (the technicians' arrival) at `fraction`
 * of the day on `technician`'s lane. */
function dragBar(summary, technician, fraction) {
    const bar = [...document.querySelectorAll(".vis-foreground .vis-item.o_fs_board_visit")].find(
        (el) => el.textContent.includes(summary)
    );
    const {rtl} = timeline();
    const rect = bar.getBoundingClientRect();
    // hold the bar a few pixels inside its arrival edge
    const inside = rtl ? -4 : 4;
    const x0 = (rtl ? rect.right : rect.left) + inside;
    const y0 = rect.top + rect.height / 2;
    const x1 = xAt(fraction) + inside;
    const y1 = laneMiddle(technician);
    // hammer.js starts a pan once the pointer moved past its threshold; vis-timeline counts
    // the move from there, so the pointer first goes 20 px along and then as far again as
    // the bar has to travel
    const lead = rtl ? -20 : 20;
    pointer("pointerdown", bar, x0, y0);
    pointer("pointermove", bar, x0 + lead, y0);
    const over = document.elementFromPoint(x1 + lead, y1) || document.body;
    pointer("pointermove", over, x1 + lead, y1);
    pointer("pointerup", over, x1 + lead, y1);
}

// The dispatcher's board: a visit dropped where its technician is busy is refused with the
// reason; dropped after hours, the dispatcher confirms the warning and it is placed; a bar
// dragged to another technician's lane and time moves there; then the day is planned again
// around the pinned visits.
registry.category("web_tour.tours").add("crm_sfa_ext_field_service_board_tour", {
    steps: () => [
        {
            content: "The board shows Ali's lane with his visit",
            trigger: ".vis-foreground .vis-item.o_fs_board_visit:contains('Busy elsewhere')",
        },
        {
            content: "and the visit to plan beside the timeline",
            trigger: ".o_fs_board_unplanned_item:contains('Socket repair')",
        },
        {
            content: "Drop it on Ali's lane at 10:15, during his other visit",
            trigger: ".vis-label:contains('Ali Electric')",
            run: () => dropOnLane("Socket repair", "Ali Electric", 10.25 / 24),
        },
        {
            content: "The move is refused with the reason",
            trigger: ".modal .modal-body:contains('already have')",
        },
        {
            content: "Close the message",
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The visit is still to plan",
            trigger: "body:not(:has(.modal)) .o_fs_board_unplanned_item:contains('Socket repair')",
        },
        {
            content: "Drop it on Ali's lane at 18:00, after his hours",
            trigger: ".vis-label:contains('Ali Electric')",
            run: () => dropOnLane("Socket repair", "Ali Electric", 18 / 24),
        },
        {
            content: "The board warns of the hours",
            trigger: ".modal .modal-body:contains('Outside the working hours')",
        },
        {
            content: "Move it anyway",
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The visit is on Ali's lane",
            trigger:
                "body:not(:has(.modal)) .vis-foreground .vis-item.o_fs_board_visit:contains('Socket repair')",
        },
        {
            content: "and no more to plan",
            trigger:
                ".o_fs_board_unplanned:not(:has(.o_fs_board_unplanned_item:contains('Socket repair')))",
        },
        {
            content: "Drag Ali's other visit to Bahar's lane at 14:00",
            trigger: ".vis-foreground .vis-item.o_fs_board_visit:contains('Busy elsewhere')",
            run: () => dragBar("Busy elsewhere", "Bahar Plumb", 14 / 24),
        },
        {
            content: "It is on Bahar's lane (the second) once the server moved it",
            trigger:
                ".vis-itemset .vis-foreground > .vis-group:nth-child(2) .vis-item.o_fs_board_visit:contains('Busy elsewhere') .fa-thumb-tack",
        },
        {
            content: "Re-plan the day around the pinned visits",
            trigger: ".o_fs_board_replan",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The plan is queued",
            trigger: ".o_form_view .o_statusbar_status .o_arrow_button_current:contains('Queued')",
        },
    ],
});

// The map of the day: the technician's stops numbered in route order, their route drawn.
registry.category("web_tour.tours").add("crm_sfa_ext_field_service_map_tour", {
    steps: () => [
        {
            content: "The first stop is on the map",
            trigger: ".leaflet-marker-icon.o_fs_map_stop:contains('1')",
        },
        {
            content: "and the second",
            trigger: ".leaflet-marker-icon.o_fs_map_stop:contains('2')",
        },
        {
            content: "with the route between them",
            trigger: ".leaflet-overlay-pane path.o_fs_map_route",
        },
        {
            content: "Another technician's stop is not on his map",
            trigger: ".o_leaflet_map_container:not(:has(.leaflet-marker-icon[title*='Customer Three']))",
        },
    ],
});
