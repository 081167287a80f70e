/** @odoo-module **/

import {registry} from "@web/core/registry";

/** Drops the board's visit to plan `summary` on the lane of `technician` at `fraction` of the
 * visible period (from its start: the right in right-to-left), as the browser does at the
 * end of a drag. */
function dropOnLane(summary, technician, fraction) {
    const source = [...document.querySelectorAll(".o_fs_board_unplanned_item")].find((el) =>
        el.textContent.includes(summary)
    );
    const label = [...document.querySelectorAll(".vis-label")].find((el) =>
        el.textContent.includes(technician)
    );
    const center = document.querySelector(".vis-panel.vis-center");
    const frame = center.getBoundingClientRect();
    const rtl = document.documentElement.dir === "rtl" || document.body.dir === "rtl";
    const offset = frame.width * fraction;
    const data = new DataTransfer();
    data.setData(
        "text",
        JSON.stringify({
            id: `place-${source.dataset.id}`,
            fsOrderId: Number(source.dataset.id),
            content: summary,
            type: "box",
        })
    );
    const lane = label.getBoundingClientRect();
    center.dispatchEvent(
        new DragEvent("drop", {
            bubbles: true,
            cancelable: true,
            dataTransfer: data,
            clientX: rtl ? frame.right - offset : frame.left + offset,
            clientY: lane.top + lane.height / 2,
        })
    );
}

// The dispatcher's board: a visit dropped where its technician is busy is refused with the
// reason; dropped after hours, the dispatcher confirms the warning and it is placed; then the
// rest of the day is planned again around it.
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
            content: "Drop it on Ali's lane at 10:30, during his other visit",
            trigger: ".vis-label:contains('Ali Electric')",
            run: () => dropOnLane("Socket repair", "Ali Electric", 10.5 / 24),
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
            trigger: ".vis-foreground .vis-item.o_fs_board_visit:contains('Socket repair')",
        },
        {
            content: "and no more to plan",
            trigger: ".o_fs_board_unplanned:not(:has(.o_fs_board_unplanned_item:contains('Socket repair')))",
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
