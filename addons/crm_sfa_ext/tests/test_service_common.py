from datetime import date, datetime, timedelta

from odoo.tests import TransactionCase, new_test_user

# a Monday far enough ahead; everyone works in UTC, 8-12 and 13-17, Monday to Friday
MONDAY = date(2031, 1, 6)
HOME = (35.70, 51.40)


def at(day, hour, minute=0):
    """Naive UTC datetime on `day` (a date, or days after MONDAY)."""
    if isinstance(day, int):
        day = MONDAY + timedelta(days=day)
    return datetime.combine(day, datetime.min.time()) + timedelta(hours=hour, minutes=minute)


def east(km):
    return HOME[0], HOME[1] + km / 90.35


class FieldServiceCase(TransactionCase):
    """Two technicians (an electrician and a plumber) living at HOME, customers a few km east
    of it, a dispatcher, and the company in UTC."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.company.partner_id.tz = "UTC"
        # each test plans only its own technicians and visits (not the demo's)
        cls.env["hr.employee"].search([("fs_is_technician", "=", True)]).fs_is_technician = False
        cls.env["crm.service.order"].search([("state", "in", ("new", "planned"))]).write(
            {"state": "cancelled"}
        )
        cls.calendar = cls.env["resource.calendar"].create(
            {"name": "Field week", "tz": "UTC", "company_id": cls.company.id}
        )
        skill_type = cls.env["hr.skill.type"].create(
            {
                "name": "Trades",
                "skill_ids": [
                    (0, 0, {"name": "Electrical"}),
                    (0, 0, {"name": "Plumbing"}),
                    (0, 0, {"name": "Roofing"}),
                ],
                "skill_level_ids": [
                    (0, 0, {"name": "Qualified", "level_progress": 100, "default_level": True})
                ],
            }
        )
        cls.skill_type = skill_type
        cls.electrical = skill_type.skill_ids.filtered(lambda s: s.name == "Electrical")
        cls.plumbing = skill_type.skill_ids.filtered(lambda s: s.name == "Plumbing")
        cls.roofing = skill_type.skill_ids.filtered(lambda s: s.name == "Roofing")
        cls.dispatcher = new_test_user(
            cls.env, "fs_dispatcher", groups="crm_sfa_ext.group_fs_dispatcher", tz="UTC"
        )
        cls.tech_user_a = new_test_user(
            cls.env, "fs_tech_a", groups="crm_sfa_ext.group_fs_technician", tz="UTC"
        )
        cls.tech_user_b = new_test_user(
            cls.env, "fs_tech_b", groups="crm_sfa_ext.group_fs_technician", tz="UTC"
        )
        cls.tech_a = cls.technician("Ali Electric", cls.electrical, cls.tech_user_a)
        cls.tech_b = cls.technician("Bahar Plumb", cls.plumbing, cls.tech_user_b)
        cls.customer = cls.located_partner("Customer One", 5)
        cls.customer_two = cls.located_partner("Customer Two", 8)
        cls.service_type = cls.env["crm.service.type"].create(
            {"name": "Repair", "duration": 1.0, "skill_ids": [(6, 0, cls.electrical.ids)]}
        )

    @classmethod
    def technician(cls, name, skills, user=None, home=HOME, **vals):
        return cls.env["hr.employee"].create(
            {
                "name": name,
                "user_id": user.id if user else False,
                "fs_is_technician": True,
                "fs_home_latitude": home[0],
                "fs_home_longitude": home[1],
                "fs_hourly_cost": 30.0,
                "resource_calendar_id": cls.calendar.id,
                "tz": "UTC",
                "company_id": cls.company.id,
                "employee_skill_ids": [
                    (
                        0,
                        0,
                        {
                            "skill_id": skill.id,
                            "skill_type_id": cls.skill_type.id,
                            "skill_level_id": cls.skill_type.skill_level_ids[:1].id,
                        },
                    )
                    for skill in skills
                ],
                **vals,
            }
        )

    @classmethod
    def located_partner(cls, name, km, **vals):
        lat, lon = east(km)
        return cls.env["res.partner"].create(
            {"name": name, "partner_latitude": lat, "partner_longitude": lon, **vals}
        )

    @classmethod
    def order(cls, summary, partner=None, skills=None, hours=1.0, day=0, **vals):
        values = {
            "summary": summary,
            "partner_id": (partner or cls.customer).id,
            "duration": hours,
            "skill_ids": [(6, 0, (skills or cls.env["hr.skill"]).ids)],
            "earliest_start": at(day, 0),
            "latest_end": at(day, 23, 59),
        }
        values.update(vals)
        return cls.env["crm.service.order"].create(values)

    def plan(self, days=1, start=MONDAY, **vals):
        plan = (
            self.env["crm.service.plan"]
            .with_user(self.dispatcher)
            .create({"date_from": start, "date_to": start + timedelta(days=days - 1), **vals})
        )
        plan.action_plan()
        self.env["crm.service.plan"]._cron_run_plans()
        self.assertEqual(plan.state, "done", plan.message)
        return plan
