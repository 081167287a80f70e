/** @odoo-module **/
/* global L */
/* The map of the day: OCA's leaflet map view, with the visits numbered in route order and
 * each technician's route drawn from stop to stop; it follows the search (a day, a
 * technician). */

import {MapController} from "@web_view_leaflet_map/views/leaflet_map/leaflet_map_controller.esm";
import {MapRenderer} from "@web_view_leaflet_map/views/leaflet_map/leaflet_map_renderer.esm";
import {leafletMapView} from "@web_view_leaflet_map/views/leaflet_map/leaflet_map_view.esm";
import {onWillUpdateProps} from "@odoo/owl";
import {registry} from "@web/core/registry";

const COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b"];

export class RouteMapRenderer extends MapRenderer {
    setup() {
        super.setup();
        onWillUpdateProps(async (nextProps) => {
            await this.loadRecords(nextProps);
        });
    }

    async loadRecords(props = this.props) {
        this.records = await this.orm.searchRead(
            this.resModel,
            props.domain || [],
            this.getFields(),
            {
                order: "planned_start, route_sequence, id",
                context: props.context || {},
            }
        );
    }

    getFields() {
        // the model has no date_localization (partners have it)
        return [
            ...super.getFields().filter((name) => name !== "date_localization"),
            "route_sequence",
            "planned_start",
            "technician_ids",
        ];
    }

    colourOf(record) {
        const lead = record.technician_ids[0] || 0;
        return COLOURS[lead % COLOURS.length];
    }

    prepareMarkerOptions(record) {
        const options = super.prepareMarkerOptions(record);
        const stop = document.createElement("span");
        stop.style.backgroundColor = this.colourOf(record);
        stop.textContent = record.route_sequence || "•";
        options.icon = L.divIcon({
            className: "o_fs_map_stop",
            html: stop.outerHTML,
            iconSize: [28, 28],
            iconAnchor: [14, 14],
        });
        return options;
    }

    preparePopUpData(record) {
        const box = document.createElement("div");
        box.className = "o_map_selector";
        const title = document.createElement("b");
        title.textContent = record[this.fieldTitle] || "";
        const address = document.createElement("div");
        address.textContent = record[this.fieldAddress] || "";
        box.append(title, address);
        return box.outerHTML;
    }

    renderMarkers() {
        super.renderMarkers();
        if (this.routeLayer) {
            this.leafletMap.removeLayer(this.routeLayer);
        }
        this.routeLayer = L.layerGroup();
        const routes = new Map();
        for (const record of this.records) {
            const lat = record[this.fieldLatitude];
            const lng = record[this.fieldLongitude];
            if (!lat || !lng || !record.technician_ids.length) {
                continue;
            }
            const day = (record.planned_start || "").slice(0, 10);
            const key = `${record.technician_ids[0]}-${day}`;
            if (!routes.has(key)) {
                routes.set(key, {colour: this.colourOf(record), points: []});
            }
            routes.get(key).points.push([lat, lng]);
        }
        for (const route of routes.values()) {
            if (route.points.length > 1) {
                L.polyline(route.points, {
                    color: route.colour,
                    weight: 3,
                    opacity: 0.7,
                    className: "o_fs_map_route",
                }).addTo(
                    this.routeLayer
                );
            }
        }
        this.routeLayer.addTo(this.leafletMap);
    }
}

// the OCA controller's template names its renderer component: swap it here
export class RouteMapController extends MapController {
    static components = {...MapController.components, MapRenderer: RouteMapRenderer};
}

export const routeMapView = {
    ...leafletMapView,
    Controller: RouteMapController,
    Renderer: RouteMapRenderer,
    props: (genericProps, view) => ({
        ...leafletMapView.props(genericProps, view),
        Renderer: RouteMapRenderer,
    }),
};

registry.category("views").add("fs_route_map", routeMapView);
