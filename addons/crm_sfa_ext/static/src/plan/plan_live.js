import { Component, onWillDestroy, xml } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { standardWidgetProps } from "@web/views/widgets/standard_widget_props";

/**
 * Keeps a planning run's form up to date while the plan is solved in the background: the
 * server sends "crm_sfa_ext.plan_changed" on the dispatchers' bus channel at each progress
 * point, step and at the end (crm.service.plan._fs_notify_changed); the form showing that
 * plan reads it again, unless the dispatcher has unsaved changes on it.
 */
export class PlanLive extends Component {
    static template = xml``;
    static props = { ...standardWidgetProps };

    setup() {
        this.busService = useService("bus_service");
        this.onPlanChanged = this.onPlanChanged.bind(this);
        this.busService.subscribe("crm_sfa_ext.plan_changed", this.onPlanChanged);
        onWillDestroy(() =>
            this.busService.unsubscribe("crm_sfa_ext.plan_changed", this.onPlanChanged)
        );
    }

    async onPlanChanged(payload) {
        const record = this.props.record;
        if (!payload || payload.id !== record.resId || record.dirty) {
            return;
        }
        await record.load();
    }
}

registry.category("view_widgets").add("crm_fs_plan_live", { component: PlanLive });
