/** @odoo-module **/
/* The dispatcher's board: OCA's timeline view, with one lane per field technician, the
 * travel before each visit, the visits to plan beside it, and moves that go through the
 * server's checks (crm.service.order.action_board_move): refused with the reason, or
 * confirmed by the dispatcher when the server warns. */

import {ConfirmationDialog} from "@web/core/confirmation_dialog/confirmation_dialog";
import {FormViewDialog} from "@web/views/view_dialogs/form_view_dialog";
import {TimelineController} from "@web_timeline/views/timeline/timeline_controller.esm";
import {TimelineModel} from "@web_timeline/views/timeline/timeline_model.esm";
import {TimelineRenderer} from "@web_timeline/views/timeline/timeline_renderer.esm";
import {TimelineView} from "@web_timeline/views/timeline/timeline_view.esm";
import {_t} from "@web/core/l10n/translation";
import {localization} from "@web/core/l10n/localization";
import {registry} from "@web/core/registry";
import {deserializeDateTime, serializeDate, serializeDateTime} from "@web/core/l10n/dates";

const {DateTime} = luxon;
const ORDER = "crm.service.order";

/** Where a drag lands: on a quarter of an hour when the board shows hours (the customer's
 * arrival windows start on one), on the hour when it shows days (the library's own snap
 * goes by 6 to 12 hours there). In the browser's time, as vis-timeline draws. */
export function snapTime(date, scale) {
    const step = ["hour", "minute", "second", "millisecond"].includes(scale) ? 15 : 60;
    const snapped = new Date(date.valueOf());
    const minutes = snapped.getHours() * 60 + snapped.getMinutes() + snapped.getSeconds() / 60;
    snapped.setHours(0, Math.round(minutes / step) * step, 0, 0);
    return snapped;
}

// the time axis in the user's language (vis-timeline's own labels are English only)
const MINOR_LABELS = {
    millisecond: {second: "2-digit", fractionalSecondDigits: 3},
    second: {minute: "2-digit", second: "2-digit"},
    minute: {hour: "2-digit", minute: "2-digit", hourCycle: "h23"},
    hour: {hour: "2-digit", minute: "2-digit", hourCycle: "h23"},
    weekday: {weekday: "short", day: "numeric"},
    day: {day: "numeric"},
    week: {day: "numeric", month: "short"},
    month: {month: "short"},
    year: {year: "numeric"},
};
const MAJOR_LABELS = {
    millisecond: {hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23"},
    second: {day: "numeric", month: "long", hour: "2-digit", minute: "2-digit", hourCycle: "h23"},
    minute: {weekday: "short", day: "numeric", month: "long"},
    hour: {weekday: "short", day: "numeric", month: "long"},
    weekday: {month: "long", year: "numeric"},
    day: {month: "long", year: "numeric"},
    week: {month: "long", year: "numeric"},
    month: {year: "numeric"},
};

function axisLabel(formats) {
    return (date, scale) =>
        formats[scale] ? DateTime.fromMillis(date.valueOf()).toLocaleString(formats[scale]) : "";
}

export class BoardModel extends TimelineModel {
    setup(params) {
        super.setup(params);
        this.lanes = [];
        this.unplanned = [];
    }

    async load(searchParams) {
        this.searchParams = searchParams;
        [this.lanes, this.unplanned] = await Promise.all([
            this.orm.call(ORDER, "board_lanes", []),
            this.orm.call(ORDER, "board_unplanned", []),
        ]);
        return super.load(searchParams);
    }

    /** Reads again only the visits of the lanes a move touched (and the visits to plan);
     * the controller draws them. */
    async reloadLanes(technicianIds, withUnplanned) {
        const lanes = [...new Set(technicianIds)];
        const domain = [...(this.searchParams.domain || []), ["technician_ids", "in", lanes]];
        const [rows, unplanned] = await Promise.all([
            this.orm.searchRead(this.model_name, domain, this.params.fieldNames, {
                context: this.searchParams.context,
            }),
            withUnplanned ? this.orm.call(ORDER, "board_unplanned", []) : this.unplanned,
        ]);
        const fresh = new Set(rows.map((row) => row.id));
        this.data = this.data
            .filter(
                (row) =>
                    !fresh.has(row.id) &&
                    !row.technician_ids.some((id) => lanes.includes(id))
            )
            .concat(rows);
        this.unplanned = unplanned;
    }
}

export class BoardRenderer extends TimelineRenderer {
    setup() {
        super.setup();
        // right to left in Persian: the time runs from the right
        this.options.rtl = localization.direction === "rtl";
        // a bar moves at the first drag, without selecting it first
        this.options.itemsAlwaysDraggable = {item: true, range: true};
        this.options.snap = snapTime;
        this.options.format = {
            minorLabels: axisLabel(MINOR_LABELS),
            majorLabels: axisLabel(MAJOR_LABELS),
        };
        // the bars of each visit as read from the server: the reload of a lane after a
        // drag reads only that lane's visits again, and only those are drawn again (the
        // others keep their row of the model, so their bars are found here)
        this.bars = new WeakMap();
        // what the timeline shows: its lanes (the model's list) and its bars by id
        this.drawnLanes = null;
        this.drawn = new Map();
    }

    init_timeline() {
        super.init_timeline();
        // vis-timeline lifts its loading screen (an empty layer over the lanes that takes
        // every click, drag and drop) after its first range change; the board opens on
        // the day it was constructed with, so none comes until the dispatcher scrolls
        this.timeline.initialRangeChangeDone = true;
    }

    _computeMode() {
        // a day to open the board on (the action's context), else today
        const day = this.env.searchModel?.context?.fs_board_date;
        if (!day || !["day", "week"].includes(this.mode.data)) {
            return super._computeMode();
        }
        const start = DateTime.fromISO(day).startOf(this.mode.data);
        this.options.start = start.toJSDate();
        this.options.end = start.endOf(this.mode.data).toJSDate();
    }

    async split_groups() {
        return this.model.lanes.map((lane, index) => {
            const content = document.createElement("div");
            content.className = "o_fs_board_lane";
            content.textContent = lane.name;
            if (lane.crew) {
                const crew = document.createElement("small");
                crew.className = "d-block text-muted";
                crew.textContent = lane.crew;
                content.appendChild(crew);
            }
            return {id: lane.id, content, order: index};
        });
    }

    /** One bar per visit and technician (a crew's visit in each member's lane) from the
     * technicians' arrival to the visit's end, its travel hatched before it and a wait for
     * the visit's window (arrival before the service start) lighter at its head. */
    async on_data_loaded(records, adjust_window) {
        const bars = new Map();
        for (const record of records) {
            let visit = this.bars.get(record);
            if (!visit) {
                visit = this.visitBars(record);
                this.bars.set(record, visit);
            }
            for (const bar of visit) {
                bars.set(bar.id, bar);
            }
        }
        // copies: the timeline keeps (and updates) the items it is given
        const copy = (bar) => ({...bar});
        if (this.drawnLanes !== this.model.lanes) {
            // first drawn, or read again (another search): lanes and bars drawn anew
            this.timeline.setGroups(await this.split_groups());
            this.timeline.setItems([...bars.values()].map(copy));
            this.drawnLanes = this.model.lanes;
        } else {
            // the same lanes (a lane's reload after a drag): only the bars of the visits
            // read again are drawn again, and those gone are taken away
            const items = this.timeline.itemsData;
            items.remove([...this.drawn.keys()].filter((id) => !bars.has(id)));
            items.update(
                [...bars.values()].filter((bar) => this.drawn.get(bar.id) !== bar).map(copy)
            );
        }
        this.drawn = bars;
        const fit = !this.mode.data || this.mode.data === "fit";
        if (fit && (adjust_window === undefined || adjust_window)) {
            this.timeline.fit();
        }
    }

    /** The items of one visit: its bar in each technician's lane, with the travel before
     * it. */
    visitBars(record) {
        if (!record.planned_arrival && record.planned_start) {
            // placed before the arrival was kept apart: they arrive at the start
            record = {...record, planned_arrival: record.planned_start};
        }
        if (!record[this.date_start]) {
            return [];
        }
        const bars = [];
        const item = this.model._event_data_transform(record);
        const title = this.visitTitle(record);
        const style = `${item.style} ${this.waitStyle(record, item)}`;
        for (const lane of record.technician_ids) {
            bars.push({
                ...item,
                id: `${record.id}-${lane}`,
                group: lane,
                lane,
                title,
                style,
                className: `o_fs_board_visit o_fs_board_visit_${record.state}`,
            });
            if (record.travel_minutes) {
                bars.push({
                    id: `travel-${record.id}-${lane}`,
                    group: lane,
                    start: new Date(item.start.getTime() - record.travel_minutes * 60000),
                    end: item.start,
                    content: "",
                    type: "background",
                    className: "o_fs_board_travel",
                    editable: false,
                    selectable: false,
                });
            }
        }
        return bars;
    }

    /** The bar's tooltip: arrival, service, travel, and what a drag does (an element:
     * vis-timeline shows a text title as HTML). */
    visitTitle(record) {
        const time = (value) =>
            value ? deserializeDateTime(value).toLocaleString(DateTime.TIME_SIMPLE) : "-";
        const lines = [
            `${record.display_name} · ${record.summary || ""}`,
            _t("Arrival: %(arrival)s · service %(start)s - %(end)s", {
                arrival: time(record.planned_arrival),
                start: time(record.planned_start),
                end: time(record.planned_end),
            }),
        ];
        if (record.travel_minutes) {
            lines.push(
                _t("%(minutes)s minutes of travel before (hatched)", {
                    minutes: record.travel_minutes,
                })
            );
        }
        lines.push(
            _t(
                "Drag the bar to move it: the technicians arrive where it starts and begin on arrival."
            )
        );
        const title = document.createElement("div");
        for (const line of lines) {
            const div = document.createElement("div");
            div.textContent = line;
            title.appendChild(div);
        }
        return title;
    }

    /** The wait between arrival and service start (the planner's, for a window opening
     * later), lighter at the head of the bar. */
    waitStyle(record, item) {
        if (!record.planned_start || !item.end) {
            return "";
        }
        const start = deserializeDateTime(record.planned_start).toMillis();
        const span = item.end.getTime() - item.start.getTime();
        const wait = start - item.start.getTime();
        if (wait <= 0 || span <= 0) {
            return "";
        }
        const share = Math.round((100 * wait) / span);
        const side = this.options.rtl ? "left" : "right";
        return `background-image: linear-gradient(to ${side}, rgba(255, 255, 255, 0.65) ${share}%, transparent ${share}%);`;
    }

    /** A visit to plan dropped on a lane; otherwise a double-click on a free spot. */
    on_add(item, callback) {
        callback(null);
        if (item.fsOrderId) {
            this.props.onPlace(item.fsOrderId, item.start, item.group);
        } else {
            this.props.onAdd(item, () => undefined);
        }
    }

    onDragStart(ev, visit) {
        ev.dataTransfer.setData(
            "text",
            JSON.stringify({
                id: `place-${visit.id}`,
                fsOrderId: visit.id,
                content: visit.display_name,
                type: "box",
            })
        );
    }

    onReplanClick() {
        const window = this.timeline.getWindow();
        this.props.onReplan(window.start, window.end);
    }
}
BoardRenderer.template = "crm_sfa_ext.BoardRenderer";
BoardRenderer.props = {
    ...TimelineRenderer.props,
    onPlace: Function,
    onReplan: Function,
};

export class BoardController extends TimelineController {
    get rendererProps() {
        return {
            ...super.rendererProps,
            onPlace: this.onPlace.bind(this),
            onReplan: this.onReplan.bind(this),
        };
    }

    /** A bar dragged to another time or lane: the technician of the lane it left makes
     * way for the one of the lane it joined (a crew's other members stay). */
    _onMove(item, callback) {
        callback(item);
        const before = item.evt.technician_ids;
        const technicians = before.filter((id) => id !== item.lane);
        if (item.group > 0 && !technicians.includes(item.group)) {
            technicians.push(item.group);
        }
        this.move(item.evt.id, DateTime.fromJSDate(item.start), technicians, before);
    }

    /** The lanes a move touched, read again and drawn (the model's notify does not reach
     * the renderer: drawn as the timeline's own moves are, by rendering the controller). */
    async reloadLanes(lanes, withUnplanned) {
        await this.model.reloadLanes(lanes, withUnplanned);
        this.render(true);
    }

    onPlace(orderId, start, lane) {
        return this.move(orderId, DateTime.fromJSDate(start), lane > 0 ? [lane] : [], []);
    }

    async move(orderId, start, technicians, before, confirm = false) {
        const lanes = [...before, ...technicians];
        let result = false;
        try {
            result = await this.model.orm.call(
                ORDER,
                "action_board_move",
                [[orderId], serializeDateTime(start), technicians],
                {confirm}
            );
        } finally {
            // refused: the bar goes back; moved (with a warning once confirmed): the lanes
            // show it where it is now
            if (!result || result.moved) {
                await this.reloadLanes(lanes, !before.length);
            }
        }
        if (!result.moved) {
            this.dialogService.add(ConfirmationDialog, {
                title: _t("Move this visit anyway?"),
                body: result.warning,
                confirmLabel: _t("Move anyway"),
                cancelLabel: _t("Leave it"),
                confirm: () => this.move(orderId, start, technicians, before, true),
                cancel: () => this.reloadLanes(lanes, false),
            });
        }
    }

    /** A double-click on a free spot of a lane: a new visit for that technician then. */
    _onAdd(item) {
        const context = {default_planned_start: serializeDateTime(DateTime.fromJSDate(item.start))};
        if (item.group > 0) {
            context.default_technician_ids = [item.group];
        }
        this.dialogService.add(FormViewDialog, {
            resModel: ORDER,
            context,
            onRecordSaved: () => this.model.load(this.getSearchProps()),
        });
    }

    onReplan(start, end) {
        const from = serializeDate(DateTime.fromJSDate(start));
        const to = serializeDate(DateTime.fromJSDate(end).minus({seconds: 1}));
        this.dialogService.add(ConfirmationDialog, {
            title: _t("Re-plan around the pinned visits"),
            body: _t(
                "Plan again the visits from %(from)s to %(to)s that are not pinned, around the pinned ones?",
                {from, to}
            ),
            confirmLabel: _t("Re-plan"),
            cancelLabel: _t("Cancel"),
            confirm: async () => {
                const action = await this.model.orm.call(ORDER, "action_board_replan", [
                    from,
                    to,
                ]);
                await this.actionService.doAction(action);
            },
        });
    }
}

export const BoardView = {
    ...TimelineView,
    Controller: BoardController,
    Model: BoardModel,
    Renderer: BoardRenderer,
};

registry.category("views").add("fs_board_timeline", BoardView);
