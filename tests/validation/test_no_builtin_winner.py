"""No design wins by construction, shown both ways: rankings move when the market's uncertainties move.

In a simple, stable market (`market_complexity` = 0) the market's taste does not drift, so marketing's
lead scoring does not go stale and the two departments' messages do not drift apart: the benefits of
integration (feedback, joint meetings, one team) have little to repair, while `merged` still pays its
costs — lost specialisation, marketing pulled onto the quarter's horizon (less brand, no orientation
diversity; Homburg & Jensen 2007) and a wider span of control. There `siloed` beats `merged`. In a
complex, turbulent market (complexity 1) `merged` beats `siloed`: integration pays mainly when the
market is complex (Kotler et al. 2006; Lawrence & Lorsch 1967). N = 10 replications on common random
numbers through the experiments layer (`conftest.py`), 208 weeks; profit (revenue less every cost,
coordination included) is the criterion, as a company would judge a reorganisation.
"""

WEEKS = 208


def _arm(lab, design: str, complexity: float):
    return lab.arm(f"{design}_complexity_{complexity:g}", design, weeks=WEEKS, market_complexity=complexity)


def test_siloed_beats_merged_in_a_simple_stable_market(lab, record):
    siloed, merged = _arm(lab, "siloed", 0.0), _arm(lab, "merged", 0.0)
    ci = record("profit, siloed - merged, complexity 0", lab.effect(siloed, merged, "profit"))
    assert ci.low > 0, ci


def test_merged_beats_siloed_in_a_complex_turbulent_market(lab, record):
    siloed, merged = _arm(lab, "siloed", 1.0), _arm(lab, "merged", 1.0)
    ci = record("profit, merged - siloed, complexity 1", lab.effect(merged, siloed, "profit"))
    assert ci.low > 0, ci


def test_integration_pays_more_in_a_complex_turbulent_market(lab, record):
    """The revenue gain of `merged` over `siloed` is larger at complexity 1 than at 0, seed by seed."""
    complex_ = (_arm(lab, "merged", 1.0), _arm(lab, "siloed", 1.0))
    simple = (_arm(lab, "merged", 0.0), _arm(lab, "siloed", 0.0))
    record("total_revenue, merged - siloed, complexity 1", lab.effect(*complex_, "total_revenue"))
    ci = record(
        "merged - siloed at complexity 1 minus at complexity 0",
        lab.difference_of_effects(complex_, simple, "total_revenue"),
    )
    assert ci.low > 0, ci
