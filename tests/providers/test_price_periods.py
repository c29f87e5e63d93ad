"""One price period operation (Price.close, Price.hand_over, PriceQuerySet.close): the boundary rule, tested
once here, and the proof that the sync and a curator's edits both go through it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from providers import curation
from providers.models import SHORTEST_PERIOD, HeldChange, Offering, Price
from providers.sync.records import Batch, LabRecord, ModelRecord, OfferingRecord, ProviderRecord
from providers.sync.upsert import apply_batch
from tests.factories import price

JAN = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
FEB = dt.datetime(2026, 2, 1, tzinfo=dt.UTC)
MAR = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)


def sync(usd: str, *, effective_from: dt.datetime | None = None) -> None:
    """The curated source states one route's input price (optionally dating it)."""
    batch = Batch(
        labs=[LabRecord(slug="lab", name="Lab")],
        providers=[ProviderRecord(slug="host", name="Host", kind="inference_host")],
        models=[
            ModelRecord(
                slug="lab/model",
                lab="lab",
                name="Model",
                offerings=[
                    OfferingRecord(
                        provider="host",
                        provider_model_id="model",
                        prices=[price("input", usd, effective_from=effective_from)],
                    )
                ],
            )
        ],
    )
    apply_batch(batch, source="curated")


def opened_in(month: dt.datetime) -> Price:
    """The route's open input price, dated as if it had opened at the start of `month`."""
    sync("1")
    Price.objects.update(effective_from=month)
    return Price.objects.get()


def periods() -> list[tuple[Decimal, dt.datetime, dt.datetime | None]]:
    return list(Price.objects.order_by("effective_from").values_list("usd", "effective_from", "effective_to"))


# --- the rule ---------------------------------------------------------------------------------------------------


def test_a_period_ends_where_it_is_closed(db):
    old = opened_in(JAN)
    assert old.close(FEB) == FEB
    old.refresh_from_db()
    assert old.effective_to == FEB


@pytest.mark.parametrize("at", [JAN, JAN - dt.timedelta(days=1)])
def test_a_period_closed_at_or_before_its_start_ends_just_after_it_began(db, at):
    old = opened_in(JAN)
    assert old.close(at) == JAN + SHORTEST_PERIOD  # the database refuses a period that ends before it starts
    old.refresh_from_db()
    assert old.effective_to == JAN + SHORTEST_PERIOD


def test_the_next_period_opens_exactly_where_the_last_one_ends_at_its_own_date(db):
    old = opened_in(JAN)
    new = Price(offering=old.offering, component="input", unit="per_1m_tokens", usd=Decimal(2), effective_from=FEB)
    assert old.hand_over(new, now=MAR) is new
    assert (old.effective_to, new.effective_from) == (FEB, FEB)  # no gap, no overlap


@pytest.mark.parametrize("dated", [JAN, JAN - dt.timedelta(days=30)])
def test_a_change_dated_at_or_before_the_price_it_replaces_is_handed_over_now(db, dated):
    old = opened_in(JAN)
    new = Price(offering=old.offering, component="input", unit="per_1m_tokens", usd=Decimal(2), effective_from=dated)
    old.hand_over(new, now=MAR)
    assert (old.effective_to, new.effective_from) == (MAR, MAR)


def test_a_handover_at_a_now_not_after_the_start_still_leaves_a_period(db):
    old = opened_in(MAR)
    new = Price(offering=old.offering, component="input", unit="per_1m_tokens", usd=Decimal(2), effective_from=JAN)
    old.hand_over(new, now=MAR)
    assert old.effective_to == new.effective_from == MAR + SHORTEST_PERIOD
    new.source, new.verified_on = "curated", JAN.date()
    new.save()  # the database's period checks hold


def test_closing_a_set_applies_the_same_rule_row_by_row_in_one_query(db, django_assert_num_queries):
    sync("1")
    offering = Offering.objects.get()
    Price.objects.update(effective_from=JAN)
    Price.objects.create(
        offering=offering,
        component="output",
        unit="per_1m_tokens",
        usd=Decimal(4),
        effective_from=MAR,
        source="curated",
        verified_on=MAR.date(),
    )
    with django_assert_num_queries(1):
        assert Price.objects.current().close(FEB) == 2
    assert dict(Price.objects.values_list("component", "effective_to")) == {
        "input": FEB,  # began before: ends at FEB
        "output": MAR + SHORTEST_PERIOD,  # began after: ends just after it began
    }


# --- every writer goes through it -------------------------------------------------------------------------------


def test_the_sync_hands_over_at_the_sources_date_or_now_when_that_date_is_too_early(db):
    opened_in(JAN)
    sync("2", effective_from=FEB)
    sync("3", effective_from=JAN - dt.timedelta(days=1))
    (_, jan, feb), (_, feb_start, now), (usd, now_start, end) = periods()
    assert (jan, feb) == (JAN, FEB)
    assert feb_start == FEB
    assert now == now_start > MAR
    assert (usd, end) == (Decimal(3), None)


def test_a_curators_edits_hand_over_by_the_same_rule(db):
    ana = get_user_model().objects.create_user("ana", is_staff=True)
    offering = opened_in(JAN).offering
    edit = {"component": "input", "unit": "per_1m_tokens", "user": ana}
    curation.set_price(offering, usd=Decimal(2), effective_from=FEB, **edit)
    curation.set_price(offering, usd=Decimal(3), effective_from=JAN, **edit)  # before the price it replaces
    rows = periods()
    assert [(usd, start, end) for usd, start, end in rows[:2]] == [
        (Decimal(1), JAN, FEB),
        (Decimal(2), FEB, rows[2][1]),
    ]
    assert rows[2][1] > MAR
    assert rows[2][2] is None
    ended = curation.end_price(Price.objects.current().get(), user=ana)
    assert ended.effective_to > ended.effective_from


def test_an_approved_held_change_hands_over_by_the_same_rule(db):
    ana = get_user_model().objects.create_user("ana", is_staff=True)
    old = opened_in(JAN)
    held = HeldChange.objects.create(
        offering=old.offering,
        component="input",
        unit="per_1m_tokens",
        service_tier="standard",
        old_usd=old.usd,
        new_usd=Decimal(100),
        reason="changes by more than 5x",
        source="curated",
        verified_on=FEB.date(),
    )
    before = timezone.now()
    new = curation.approve_held_change(held, user=ana)
    old.refresh_from_db()
    assert old.effective_to == new.effective_from >= before
