from __future__ import annotations

import pytest

from vrhub.measures import store
from vrhub.measures.analysis.areas import Area
from vrhub.measures.analysis.cost import cost_of, total_cost
from vrhub.measures.tests.test_analysis_support import (
    COVENTRY,
    add_areas,
    add_counts,
    add_coverage,
    month,
    months,
)

VIOLENCE = "street:violence-and-sexual-offences"
COV = Area("la", COVENTRY, "Coventry")
HOME_OFFICE = "Home Office, Economic and social costs of crime (2018), 2015/16 prices"
TREASURY = "HM Treasury GDP deflators, June 2024"


def add_unit_costs() -> None:
    with store.writing() as con:
        con.executemany(
            "insert into unit_cost values (?, ?, ?, ?, ?)",
            [
                (VIOLENCE, "Violence with injury", 14050, "2015-16", HOME_OFFICE),
                ("homicide", "Homicide", 3_217_740, "2015-16", HOME_OFFICE),
            ],
        )


def add_deflators(rows: list[tuple[str, float]]) -> None:
    with store.writing() as con:
        con.executemany(
            "insert into deflator values (?, ?, ?)", [(y, i, TREASURY) for y, i in rows]
        )


def load_violence() -> None:
    add_areas()
    add_coverage("police_uk", "west-midlands", months(month(2024, 4), month(2024, 6)))
    for m, n in zip(months(month(2024, 4), month(2024, 6)), (30, 40, 30), strict=True):
        add_counts("police_uk", "west-midlands", m, VIOLENCE, {"E01000001": n})


def test_violence_with_injury_at_2015_16_prices_inflated_with_deflators() -> None:
    load_violence()
    add_unit_costs()
    add_deflators([("2015-16", 80.0), ("2024-25", 100.0)])

    [line] = cost_of(
        store.connect(),
        measures=[VIOLENCE],
        area=COV,
        start=month(2024, 4),
        end=month(2024, 6),
        price_year="2024-25",
    )

    assert line.count == 100
    assert line.unit_cost == 14050
    assert line.unit_price_year == "2015-16"
    assert line.offence_group == "Violence with injury"
    assert line.unit_cost_source == HOME_OFFICE
    assert (line.deflator_base, line.deflator_target) == (80.0, 100.0)
    assert line.deflator_source == TREASURY
    # £14,050 x 100 / 80 = £17,562.50 an offence; 100 offences.
    assert line.inflated_unit_cost == pytest.approx(17562.50)
    assert line.total == pytest.approx(1_756_250)
    assert line.problem is None


def test_costs_at_their_own_price_year_are_not_inflated() -> None:
    load_violence()
    add_unit_costs()
    add_deflators([("2015-16", 80.0)])

    [line] = cost_of(
        store.connect(),
        measures=[VIOLENCE],
        area=COV,
        start=month(2024, 4),
        end=month(2024, 4),
        price_year="2015-16",
    )

    assert line.inflated_unit_cost == 14050
    assert line.total == 30 * 14050


def test_a_missing_deflator_is_said_not_zeroed() -> None:
    load_violence()
    add_unit_costs()
    add_deflators([("2015-16", 80.0)])

    [line] = cost_of(
        store.connect(),
        measures=[VIOLENCE],
        area=COV,
        start=month(2024, 4),
        end=month(2024, 6),
        price_year="2025-26",
    )

    assert line.count == 100
    assert line.unit_cost == 14050
    assert line.inflated_unit_cost is None
    assert line.total is None
    assert line.problem == ("There is no GDP deflator for 2025-26: add it to the deflators table.")


def test_a_missing_unit_cost_is_said_not_zeroed() -> None:
    load_violence()
    add_deflators([("2015-16", 80.0), ("2024-25", 100.0)])

    lines = cost_of(
        store.connect(),
        measures=[VIOLENCE, "street:robbery"],
        area=COV,
        start=month(2024, 4),
        end=month(2024, 6),
        price_year="2024-25",
    )

    assert [line.total for line in lines] == [None, None]
    assert lines[1].count == 0
    assert lines[1].problem == (
        "There is no unit cost for robbery (police.uk): add one to the unit costs table."
    )
    assert total_cost(lines) is None


def test_a_gap_month_leaves_no_count_and_no_total() -> None:
    load_violence()
    add_unit_costs()
    add_deflators([("2015-16", 80.0), ("2024-25", 100.0)])
    add_coverage("police_uk", "west-midlands", [month(2024, 8)])

    [line] = cost_of(
        store.connect(),
        measures=[VIOLENCE],
        area=COV,
        start=month(2024, 4),
        end=month(2024, 8),
        price_year="2024-25",
    )

    assert line.count is None
    assert line.total is None
    assert line.inflated_unit_cost == pytest.approx(17562.50)
    assert line.problem == "There is no data for 1 month of the period (July 2024)."


def test_total_of_several_measures() -> None:
    load_violence()
    add_unit_costs()
    add_deflators([("2015-16", 80.0), ("2024-25", 100.0)])
    add_coverage("force_extract", "west-midlands", months(month(2024, 4), month(2024, 6)))
    add_counts("force_extract", "west-midlands", month(2024, 5), "homicide", {"E01000001": 1})

    lines = cost_of(
        store.connect(),
        measures=[VIOLENCE, "homicide"],
        area=COV,
        start=month(2024, 4),
        end=month(2024, 6),
        price_year="2024-25",
    )

    assert lines[1].count == 1
    assert lines[1].total == pytest.approx(3_217_740 * 100 / 80)
    assert total_cost(lines) == pytest.approx(1_756_250 + 3_217_740 * 1.25)


def test_price_year_must_be_a_financial_year() -> None:
    with pytest.raises(ValueError, match="financial year like 2024-25"):
        cost_of(
            store.connect(),
            measures=[VIOLENCE],
            area=COV,
            start=month(2024, 4),
            end=month(2024, 6),
            price_year="2024",
        )


def test_a_period_running_past_the_data_is_incomplete_not_smaller() -> None:
    load_violence()
    add_unit_costs()
    add_deflators([("2015-16", 80.0), ("2024-25", 100.0)])
    add_coverage("police_uk", "west-midlands", [month(2024, 8)])

    [line] = cost_of(
        store.connect(),
        measures=[VIOLENCE],
        area=COV,
        start=month(2024, 6),
        end=month(2024, 10),
        price_year="2024-25",
    )

    assert line.count is None
    assert line.total is None
    assert line.problem == (
        "There is no data for 3 months of the period (July 2024, September 2024, October 2024)."
    )
