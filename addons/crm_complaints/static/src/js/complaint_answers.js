/** @odoo-module **/

import publicWidget from "@web/legacy/js/public/public_widget";
import { rpc } from "@web/core/network/rpc";

// wait this long after the last key before searching (the route counts each search)
const DELAY = 600;
const MIN_LENGTH = 4;

/**
 * The complaint forms (the portal's and the public one) show the published answers that share
 * words with what the customer types in the subject and the description, before they send:
 * the server searches them (/complaint/answers) and returns each answer's title and text.
 */
publicWidget.registry.CrmComplaintAnswers = publicWidget.Widget.extend({
    selector: ".o_crm_complaint_form",
    events: {
        "input input[name='subject']": "_onType",
        "input textarea[name='description']": "_onType",
    },

    start() {
        this._box = this.el.querySelector(".o_crm_complaint_answers");
        this._list = this.el.querySelector(".o_crm_complaint_answer_list");
        this._last = "";
        return this._super(...arguments);
    },

    _onType() {
        clearTimeout(this._timer);
        this._timer = setTimeout(() => this._search(), DELAY);
    },

    async _search() {
        const subject = this.el.querySelector("input[name='subject']")?.value || "";
        const description = this.el.querySelector("textarea[name='description']")?.value || "";
        const query = `${subject} ${description}`.trim().slice(0, 300);
        if (query === this._last || !this._box) {
            return;
        }
        this._last = query;
        if (query.length < MIN_LENGTH) {
            this._render([]);
            return;
        }
        const result = await rpc("/complaint/answers", { query });
        if (query === this._last) {
            this._render(result.answers || []);
        }
    },

    _render(answers) {
        this._list.replaceChildren(
            ...answers.map((answer) => {
                const item = document.createElement("details");
                item.className = "o_crm_complaint_answer mt-2";
                const title = document.createElement("summary");
                title.textContent = answer.title;
                const body = document.createElement("div");
                body.className = "o_crm_complaint_answer_body";
                body.style.whiteSpace = "pre-line";
                body.textContent = answer.body;
                item.append(title, body);
                return item;
            })
        );
        this._box.classList.toggle("d-none", !answers.length);
    },
});
