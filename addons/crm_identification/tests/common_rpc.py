import inspect
import json


class ForgedCallMixin:
    """Calls made as an attacker makes them, for an HttpCase: any public method over
    /web/dataset/call_kw or /jsonrpc's execute_kw, with a forged context. The test class sets
    `forged_context` (the context keys sent with every call) and `refusals` (the error names
    that count as a clean refusal); `as_user` picks the caller and what must never leak."""

    forged_context = {}
    refusals = set()

    def public_methods(self, addon):
        """(model, method) of every public method the addon's classes define on a model
        (`init`, which the registry calls, and `@api.private` ones left out): what an
        attacker can call, which the adversarial tests must all try."""
        public = set()
        for model_name in self.env.registry:
            for klass in type(self.env[model_name]).__mro__:
                if not klass.__module__.startswith(f"odoo.addons.{addon}."):
                    continue
                for name, member in vars(klass).items():
                    if (
                        not name.startswith("_")
                        and name != "init"
                        and inspect.isfunction(member)
                        and not getattr(member, "_api_private", False)
                    ):
                        public.add((model_name, name))
        return public

    def call(self, model, method, args, kwargs=None, route="call_kw"):
        """`model.method(*args, **kwargs)` with the forged context: (result, error name).
        Never a server crash, never one of `self.secrets` in the answer."""
        kwargs = dict(kwargs or {}, context=dict(self.forged_context))
        if route == "call_kw":
            url = f"/web/dataset/call_kw/{model}/{method}"
            params = {"model": model, "method": method, "args": args, "kwargs": kwargs}
        else:
            url = "/jsonrpc"
            params = {
                "service": "object",
                "method": "execute_kw",
                "args": [self.env.cr.dbname, self.uid, self.login, model, method, args, kwargs],
            }
        payload = {"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}
        response = self.url_open(
            url, data=json.dumps(payload), headers={"Content-Type": "application/json"}
        )
        self.assertEqual(response.status_code, 200, f"{model}.{method}: {response.text[:300]}")
        for secret in self.secrets:
            self.assertNotIn(secret, response.text, f"{model}.{method} leaks {secret!r}")
        answer = response.json()
        if "error" in answer:
            name = answer["error"]["data"]["name"]
            self.assertIn(name, self.refusals, f"{model}.{method} crashed: {answer['error']}")
            return None, name
        return answer["result"], None

    def as_user(self, user, secrets):
        """Log in as `user` (password = login, as new_test_user makes them)."""
        self.authenticate(user.login, user.login)
        self.uid = user.id
        self.login = user.login
        self.secrets = secrets
