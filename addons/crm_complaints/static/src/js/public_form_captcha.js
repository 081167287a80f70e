/** @odoo-module **/

import publicWidget from "@web/legacy/js/public/public_widget";
import { session } from "@web/session";

// the captcha action the server checks (controllers/public_form.py, CAPTCHA_ACTION)
const ACTION = "crm_complaint";

/**
 * The public complaint form gets a captcha token from Odoo's google_recaptcha (a token asked
 * on submit) or website_cf_turnstile (its widget before the button) when the module is
 * installed and has a site key; the server side (`_verify_request_recaptcha_token`) checks
 * it. The modules are looked up at run time: the form works the same without them.
 */
publicWidget.registry.CrmComplaintFormCaptcha = publicWidget.Widget.extend({
    selector: ".o_crm_complaint_public_form",
    events: {
        submit: "_onSubmit",
    },

    async willStart() {
        await this._super(...arguments);
        const recaptcha = odoo.loader.modules.get("@google_recaptcha/js/recaptcha");
        if (recaptcha) {
            this._recaptcha = new recaptcha.ReCaptcha();
            await this._recaptcha.loadLibs();
        }
    },

    start() {
        const turnstile = odoo.loader.modules.get("@website_cf_turnstile/js/turnstile");
        if (turnstile && session.turnstile_site_key) {
            // the same steps as Odoo's signup form (website_cf_turnstile's signupTurnStile)
            const { _createSpinner, addSpinner, addTurnstile, renderTurnstile } =
                turnstile.turnStile;
            Object.assign(this, { _createSpinner, addSpinner, addTurnstile, renderTurnstile });
            const button = this.el.querySelector("button[type='submit']");
            this.addSpinner(button);
            const nodes = this.addTurnstile(ACTION);
            nodes?.insertBefore(button);
            this.renderTurnstile(nodes);
        }
        return this._super(...arguments);
    },

    _onSubmit(ev) {
        if (
            !this._recaptcha?._publicKey ||
            this.el.querySelector("input[name='recaptcha_token_response']")
        ) {
            return;
        }
        ev.preventDefault();
        this._recaptcha.getToken(ACTION).then((result) => {
            const input = document.createElement("input");
            input.type = "hidden";
            input.name = "recaptcha_token_response";
            input.value = result.token || "";
            this.el.appendChild(input);
            this.el.submit();
        });
    },
});
