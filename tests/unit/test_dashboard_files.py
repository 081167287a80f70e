"""The managers' dashboards (spreadsheet JSON under addons/spreadsheet_dashboard_*/data/files)
as o-spreadsheet reads them: a cell's `format` is a key of the file's `formats` table (a format
written in the cell itself is ignored, and the value shows in the measure's own format), and a
scorecard of a ratio is not humanized (humanizing drops the decimals: 0.85 shows as 1)."""

import json
from pathlib import Path

import pytest

FILES = sorted(Path(__file__).resolve().parents[2].glob("addons/*/data/files/*.json"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_cell_formats_are_keys_of_the_formats_table(path):
    data = json.loads(path.read_text())
    formats = data.get("formats", {})
    unknown = [
        f"{sheet['name']}!{xc}: {cell['format']!r}"
        for sheet in data["sheets"]
        for xc, cell in sheet["cells"].items()
        if cell.get("format") and str(cell["format"]) not in formats
    ]
    assert not unknown, f"formats not in the table {formats}: {unknown}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_scorecards_with_decimals_are_not_humanized(path):
    data = json.loads(path.read_text())
    cells = {sheet["name"]: sheet["cells"] for sheet in data["sheets"]}
    humanized_decimals = []
    for sheet in data["sheets"]:
        for figure in sheet.get("figures", []):
            chart = figure.get("data", {})
            if chart.get("type") != "scorecard" or not chart.get("humanize"):
                continue
            sheet_name, xc = chart["keyValue"].split("!")
            format_id = cells[sheet_name].get(xc, {}).get("format")
            if format_id and "0.00" in data["formats"][str(format_id)]:
                humanized_decimals.append(chart["title"]["text"])
    assert not humanized_decimals
    assert FILES
