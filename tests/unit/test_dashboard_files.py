"""The managers' dashboards (spreadsheet JSON under addons/spreadsheet_dashboard_*/data/files)
as Odoo 18's o-spreadsheet reads them: from data version 21 on, a cell's style and format
are given per sheet (`sheet.styles` / `sheet.formats`: cell or zone -> a key of the file's
`styles` / `formats` table); a style or format written on the cell itself is ignored, and
the value then shows in its measure's own format (a ratio of two amounts as money). A
scorecard of a ratio is not humanized (humanizing drops the decimals: 0.85 shows as 1)."""

import json
from pathlib import Path

import pytest

FILES = sorted(Path(__file__).resolve().parents[2].glob("addons/*/data/files/*.json"))


def load(path):
    return json.loads(path.read_text())


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_styles_and_formats_are_given_per_sheet_from_the_tables(path):
    data = load(path)
    assert data["version"] >= 21
    on_cells = [
        f"{sheet['name']}!{xc}"
        for sheet in data["sheets"]
        for xc, cell in sheet["cells"].items()
        if {"style", "format", "border"} & set(cell)
    ]
    assert not on_cells, "ignored by o-spreadsheet: move them to the sheet's maps"
    for sheet in data["sheets"]:
        for table in ("styles", "formats", "borders"):
            unknown = {
                xc: item
                for xc, item in sheet.get(table, {}).items()
                if str(item) not in data.get(table, {})
            }
            assert not unknown, f"{sheet['name']}: {table} not in the file's table: {unknown}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_figure_has_an_id_of_its_own(path):
    """o-spreadsheet keeps one figure per id: a second figure with the same id replaces the
    first, which then is not drawn (the Complaints dashboard lost its SLA and cost tiles)."""
    ids = [figure["id"] for sheet in load(path)["sheets"] for figure in sheet.get("figures", [])]
    assert sorted({i for i in ids if ids.count(i) > 1}) == []


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_scorecards_with_decimals_are_not_humanized(path):
    data = load(path)
    formats = {sheet["name"]: sheet.get("formats", {}) for sheet in data["sheets"]}
    humanized_decimals = []
    for sheet in data["sheets"]:
        for figure in sheet.get("figures", []):
            chart = figure.get("data", {})
            if chart.get("type") != "scorecard" or not chart.get("humanize"):
                continue
            sheet_name, xc = chart["keyValue"].split("!")
            format_id = formats[sheet_name].get(xc)
            if format_id and "0.00" in data["formats"][str(format_id)]:
                humanized_decimals.append(chart["title"]["text"])
    assert not humanized_decimals


def test_the_ratio_of_two_amounts_has_a_format_of_its_own():
    """Pipeline coverage divides two amounts: without a format of its own it shows as money."""
    data = load(next(p for p in FILES if p.name == "sales_force_dashboard.json"))
    sheet = next(s for s in data["sheets"] if s["name"] == "Data")
    assert "still_to_win" in sheet["cells"]["B5"]["content"]
    assert data["formats"][str(sheet["formats"]["B5"])] == "#,##0.00"
