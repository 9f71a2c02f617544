"""The summary's decisions that matter most: the most hours freed, and the biggest focus."""

from decimal import Decimal

from webinar.domain.plan import FOCUS, HANDOVER, LIMIT, STOP, key_decisions


def D(value):
    return None if value is None else Decimal(value)


def test_most_hours_freed_first_and_the_biggest_focus_account_always_shown():
    chosen = key_decisions([
        (1, "Vastgoed Horizon", STOP, D(20), D(5000)),
        (2, "Sportclub Hercules", LIMIT, D(30), D(9000)),  # half of 30 = 15 a month
        (3, "Garage Petersen", HANDOVER, D(10), D(4000)),
        (4, "Bouwbedrijf Van Dam", FOCUS, D(6), D(80000)),
        (5, "Zorggroep De Linde", FOCUS, D(8), D(120000)),
        (6, "Nog niet beoordeeld", None, D(40), None),
    ])
    assert [d.name for d in chosen] == ["Vastgoed Horizon", "Sportclub Hercules",
                                        "Zorggroep De Linde"]
    # 20 hours a month for eight weeks: 20 * 12 / 52 * 8
    assert chosen[0].hours_freed == Decimal("36.9") and chosen[2].hours_freed is None


def test_short_lists_fill_up_with_the_other_kind():
    only_focus = key_decisions([(1, "A", FOCUS, None, D(10)), (2, "B", FOCUS, None, D(30))])
    assert [d.name for d in only_focus] == ["B", "A"]
    only_stops = key_decisions([(n, f"K{n}", STOP, D(n), None) for n in range(1, 6)])
    assert [d.name for d in only_stops] == ["K5", "K4", "K3"]
    assert key_decisions([]) == []
    # A stop without known hours frees nothing that can be shown: it is not a key decision.
    assert key_decisions([(1, "A", STOP, None, None)]) == []
