from django.http import QueryDict

from proposals.charts import BAR_WIDTH, bar_chart
from proposals.facets import toggled


def test_toggling_adds_and_removes_values_and_restarts_paging():
    params = QueryDict("topic=spam&page=3&q=routing")
    assert toggled(params, "topic", "cybersecurity", multiple=True) == (
        "topic=spam&topic=cybersecurity&q=routing"
    )
    assert toggled(params, "topic", "spam", multiple=True) == "q=routing"


def test_a_single_valued_facet_replaces_its_value():
    params = QueryDict("proposer=RUS&via_groups=true&topic=spam")
    # The proposer facet counts proposals naming the proposer, so its links drop via_groups.
    assert toggled(params, "proposer", "ARS", multiple=False) == "proposer=ARS&topic=spam"
    assert toggled(params, "proposer", "RUS", multiple=False) == "topic=spam"


def test_bars_scale_to_the_largest_and_drop_zeros():
    chart = bar_chart("Proposals", [("A", 200, "/a"), ("B", 1, "/b"), ("C", 0, "/c")])
    assert [bar.label for bar in chart.bars] == ["A", "B"]
    assert chart.bars[0].width == BAR_WIDTH
    assert chart.bars[1].width == 2.0  # a sliver, still visible
    assert chart.bars[1].y > chart.bars[0].y and chart.total == 201


def test_an_empty_chart_has_no_bars():
    assert bar_chart("Nothing", []).bars == []
