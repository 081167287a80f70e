/** @odoo-module **/

import publicWidget from "@web/legacy/js/public/public_widget";

/**
 * The public complaint form asks Odoo's captcha for a token when the google_recaptcha module
 * is installed and has a site key (its server side, `_verify_request_recaptcha_token`, then
 * checks it; without a key every form passes). The module is looked up at run time: the
 * form works the same without it.
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

    _onSubmit(ev) {
        if (
            !this._recaptcha?._publicKey ||
            this.el.querySelector("input[name='recaptcha_token_response']")
        ) {
            return;
        }
        ev.preventDefault();
        this._recaptcha.getToken("crm_complaint").then((result) => {
            const input = document.createElement("input");
            input.type = "hidden";
            input.name = "recaptcha_token_response";
            input.value = result.token || "";
            this.el.appendChild(input);
            this.el.submit();
        });
    },
});
