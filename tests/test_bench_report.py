"""The figures of `make bench`: budgets in both directions, and the Dutch table."""

from __future__ import annotations

from benchmarks.report import Figure, markdown_table


def test_a_time_over_its_budget_is_reported_as_over():
    assert Figure("bouwen", "verhouding", 1.6, "×", budget=1.5).within_budget is False
    assert Figure("bouwen", "verhouding", 1.5, "×", budget=1.5).within_budget is True


def test_a_rate_under_its_minimum_is_reported_as_over():
    rate = Figure("dienst", "inleveringen", 280, "per s", budget=300, direction="min")
    assert rate.within_budget is False
    assert Figure("dienst", "inleveringen", 310, "per s", budget=300, direction="min").within_budget


def test_a_figure_without_a_budget_is_neither():
    assert Figure("zoeken", "grootte", 1.0, "KB").within_budget is None


def test_the_table_shows_dutch_numbers_the_alternative_and_the_verdict():
    table = markdown_table(
        [
            Figure("bouwen", "bouwtijd", 1234.5, "s", "mkdocs-material", 1000, budget=1500),
            Figure("dienst", "inleveringen", 280, "per s", budget=300, direction="min"),
        ]
    )
    assert "| bouwen | bouwtijd | 1.234,50 s | mkdocs-material: 1.000 s | ≤ 1.500 s | ja |" in table
    assert "| dienst | inleveringen | 280 per s |  | ≥ 300 per s | **nee** |" in table
