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
import {serializeDate, serializeDateTime} from "@web/core/l10n/dates";

const {DateTime} = luxon;
const ORDER = "crm.service.order";

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

    /** Reads again only the visits of the lanes a move touched (and the visits to plan). */
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
        this.notify();
    }
}

export class BoardRenderer extends TimelineRenderer {
    setup() {
        super.setup();
        // right to left in Persian: the time runs from the right
        this.options.rtl = localization.direction === "rtl";
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

    /** One bar per visit and technician (a crew's visit in each member's lane), its travel
     * hatched before it. */
    async on_data_loaded(records, adjust_window) {
        const items = [];
        for (const record of records) {
            if (!record[this.date_start]) {
                continue;
            }
            const item = this.model._event_data_transform(record);
            for (const lane of record.technician_ids) {
                items.push({
                    ...item,
                    id: `${record.id}-${lane}`,
                    group: lane,
                    lane,
                    className: `o_fs_board_visit o_fs_board_visit_${record.state}`,
                });
                if (record.travel_minutes) {
                    items.push({
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
        }
        this.timeline.setGroups(await this.split_groups());
        this.timeline.setItems(items);
        const fit = !this.mode.data || this.mode.data === "fit";
        if (fit && (adjust_window === undefined || adjust_window)) {
            this.timeline.fit();
        }
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
            // refused: the bar goes back; moved: the lanes show it where it is now
            if (!result || !result.warning) {
                await this.model.reloadLanes(lanes, !before.length);
            }
        }
        if (result.warning) {
            this.dialogService.add(ConfirmationDialog, {
                title: _t("Move this visit anyway?"),
                body: result.warning,
                confirmLabel: _t("Move anyway"),
                cancelLabel: _t("Leave it"),
                confirm: () => this.move(orderId, start, technicians, before, true),
                cancel: () => this.model.reloadLanes(lanes, false),
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
