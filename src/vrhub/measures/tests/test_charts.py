"""The server-drawn charts and the tables beside them: what a reader (or a screen reader) gets."""

from __future__ import annotations

import csv
import io
import re

from vrhub.measures.charts import Chart, Series, describe_counts, nice_ticks, render
from vrhub.measures.tables import Column, Kind, Table


def bar_chart(values: list[int | None], title: str = "Knife crime by month") -> Chart:
    labels = ["January 2025", "February 2025", "March 2025", "April 2025"][: len(values)]
    return Chart(
        slug="knife",
        title=title,
        description=describe_counts(labels, values),
        x_label="Month",
        y_label="Count",
        labels=labels,
        series=[Series("Knife crime", values)],
    )


def test_axis_ticks_are_round_numbers_from_zero_past_the_largest_value():
    assert nice_ticks(0, 17, whole=True) == [0, 5, 10, 15, 20]
    assert nice_ticks(0, 3, whole=True) == [0, 1, 2, 3]
    assert nice_ticks(0, 1) == [0, 0.25, 0.5, 0.75, 1]
    ticks = nice_ticks(-3.2, 4.1)
    assert ticks[0] <= -3.2
    assert ticks[-1] >= 4.1
    assert 0 in ticks


def test_nothing_to_scale_still_gives_an_axis():
    assert nice_ticks(0, 0) == [0, 0.25, 0.5, 0.75, 1]
    assert nice_ticks(-1e-15, 1e-15)[-1] == 1


def test_a_chart_is_an_image_with_a_title_and_a_text_alternative_of_its_numbers():
    svg = render(bar_chart([12, 17, 9, 14]))
    assert svg.startswith("<svg")
    assert 'role="img"' in svg
    assert 'aria-labelledby="chart-knife-title"' in svg
    assert '<title id="chart-knife-title">Knife crime by month</title>' in svg
    desc = re.search(r'<desc id="chart-knife-desc">(.*?)</desc>', svg)
    assert desc is not None
    assert desc.group(1) == (
        "4 periods from January 2025 to April 2025. Highest: 17 in February 2025. "
        "Lowest: 9 in March 2025. Latest: 14 in April 2025."
    )
    # The axes are named where a sighted reader sees them.
    assert ">Count</text>" in svg
    assert ">Month</text>" in svg
    assert ">20</text>" in svg  # the top of the count axis
    # One bar per month, each with its value on hover.
    assert svg.count("<title>") == 4
    assert "<title>February 2025: 17</title>" in svg


def test_a_month_without_data_is_a_marked_gap_not_a_bar_of_zero():
    svg = render(bar_chart([12, None, 9]))
    assert "<title>February 2025: no data</title>" in svg
    assert "<title>February 2025: 0</title>" not in svg
    assert ">No data</text>" in svg  # in the key
    assert "No data for 1 period." in svg


def test_a_zero_is_drawn_as_a_zero():
    svg = render(bar_chart([0, 3]))
    assert "<title>January 2025: 0</title>" in svg


def test_text_in_a_chart_is_escaped():
    svg = render(bar_chart([1, 2], title='Ward "A" <script>alert(1)</script>'))
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg


def test_a_line_breaks_at_a_gap_rather_than_bridging_it():
    chart = Chart(
        slug="trend",
        title="Trend",
        description="A trend",
        x_label="Month",
        y_label="Count",
        labels=["a", "b", "c", "d", "e"],
        series=[Series("Count", [1.0, 2.0, None, 4.0, 5.0]), Series("Alone", [None, 3, None])],
        kind="line",
    )
    svg = render(chart)
    assert svg.count("<polyline") == 2
    assert svg.count("<circle") == 1  # a single point between gaps is still shown
    assert ">Count</text>" in svg
    assert ">Alone</text>" in svg


def test_a_lorenz_curve_has_percentage_axes_and_the_line_of_even_spread():
    xs = [0.0, 0.5, 0.9, 1.0]
    chart = Chart(
        slug="lorenz",
        title="Lorenz curve",
        description="The busiest 10% of LSOAs had 60% of incidents.",
        x_label="Share of LSOAs, quietest first",
        y_label="Share of incidents",
        series=[
            Series("Incidents", [0.0, 0.1, 0.4, 1.0]),
            Series("Even spread", xs, dashed=True),
        ],
        x_values=xs,
        kind="line",
        percent=True,
    )
    svg = render(chart)
    assert ">0%</text>" in svg
    assert ">100%</text>" in svg
    assert 'stroke-dasharray="6 4"' in svg
    assert svg.count("<polyline") == 2


def test_no_style_attributes_so_the_content_security_policy_allows_the_chart():
    svg = render(bar_chart([1, None, 3]))
    assert "style=" not in svg
    assert 'font-family="arial, sans-serif"' in svg


def test_a_series_with_no_data_at_all_says_so():
    assert describe_counts(["2023-24", "2024-25"], [None, None]) == (
        "No data for any of the 2 periods shown."
    )


# Tables.


def test_table_cells_show_no_data_signed_changes_and_pounds():
    table = Table(
        slug="t",
        caption="Figures",
        columns=[
            Column("Period"),
            Column("Count", Kind.COUNT),
            Column("Change", Kind.CHANGE),
            Column("Cost", Kind.MONEY),
            Column("Share", Kind.PERCENT),
        ],
        rows=[("2024-25", 1234, -42.04, 17562.5, 45.0), ("2023-24", None, 3.0, None, None)],
    )
    assert [text for text, _ in table.shown_rows()[0]] == [
        "2024-25",
        "1,234",
        "\u221242.0%",
        "£17,562",
        "45.0%",
    ]
    assert [text for text, _ in table.shown_rows()[1]] == [
        "2023-24",
        "No data",
        "+3.0%",
        "No data",
        "No data",
    ]
    assert [numeric for _, numeric in table.shown_rows()[0]] == [False, True, True, True, True]


def test_a_table_downloads_as_csv_with_numbers_as_numbers_and_text_made_safe():
    table = Table(
        slug="cells",
        caption="Cells",
        columns=[Column("Place"), Column("Count", Kind.COUNT), Column("z", Kind.NUMBER, 2)],
        rows=[("=cmd()", 3, -2.5), ("@SUM(A1)", None, 1.0)],
    )
    response = table.csv_response("hot spots")
    assert response["Content-Disposition"] == 'attachment; filename="hot-spots-cells.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        ["Place", "Count", "z"],
        ["'=cmd()", "3", "-2.5"],
        ["'@SUM(A1)", "No data", "1.0"],
    ]
