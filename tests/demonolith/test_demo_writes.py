"""The demo's pure write bookkeeping: the tills' days, the ledger, the row check, promotion answers."""

from __future__ import annotations

from demonolith.demo.cutover import promotion_run
from demonolith.demo.livesync import percentile
from demonolith.demo.writes import REWRITE_DISTANCE, REWRITE_EVERY, Ledger, lost_and_duplicated, till_write


def test_tills_write_days_of_their_own_and_rewrite_only_days_they_wrote_as_new() -> None:
    tills, writes = 2, 1000
    new: dict[str, int] = {}
    for till in range(tills):
        for n in range(writes):
            day = till_write(till, tills, n).day
            if n % REWRITE_EVERY == 3 and n >= REWRITE_DISTANCE:
                assert new[day] == till, "a rewrite touches a day its own till wrote"
            else:
                assert day not in new, "a new write is a new day"
                new[day] = till
    rewrites = sum(n % REWRITE_EVERY == 3 and n >= REWRITE_DISTANCE for n in range(writes))
    assert len(new) == tills * (writes - rewrites)


def test_the_ledger_keeps_the_last_accepted_figures_and_the_uncertain_days() -> None:
    ledger = Ledger(start=7)
    assert [ledger.next_write(0), ledger.next_write(0), ledger.next_write(1)] == [7, 8, 7]
    first, again = till_write(0, 1, 0), till_write(0, 1, 0)
    ledger.record(first, 502)
    accepted, uncertain = ledger.snapshot()
    assert accepted == {} and uncertain == {first.day}
    ledger.record(again, 200)
    ledger.record(till_write(0, 1, 1), 400)  # refused: neither accepted nor uncertain
    accepted, uncertain = ledger.snapshot()
    assert accepted == {first.day: again} and uncertain == frozenset() and ledger.sent == 3


def test_the_row_check_names_lost_doubled_and_changed_days() -> None:
    a, b, c, d = (till_write(0, 1, n) for n in range(4))
    accepted = {f.day: f for f in (a, b, c, d)}
    rows = [(a.day, a.orders, a.units, a.gross_revenue + "0"),  # 12.5 == 12.50
            (b.day, b.orders, b.units, b.gross_revenue), (b.day, b.orders, b.units, b.gross_revenue),
            (c.day, c.orders + 1, c.units, c.gross_revenue), ("2026-01-01", 1, 1, "1")]
    check = lost_and_duplicated("monolith", accepted, (), rows)
    assert (check.lost, check.duplicated, check.changed) == ((d.day,), (b.day,), (c.day,))
    assert not check.ok and check.accepted == 4
    skipped = lost_and_duplicated("service", accepted, (b.day, c.day, d.day), rows)
    assert (skipped.lost, skipped.changed, skipped.accepted) == ((), (), 1)
    assert skipped.duplicated == (b.day,)  # a doubled row is wrong whatever its write's answer was


def test_a_promotion_answer_without_the_decisions_taken_before() -> None:
    body: dict[str, object] = {"state": "rolled_back", "weight": 0, "decisions": [
        {"at": "t1", "action": "complete", "weight": 100, "reason": "at the last step"},
        {"at": "t2", "action": "hold", "weight": 50, "reason": "not enough traffic", "times": 3},
        {"at": "t3", "action": "rollback", "weight": 0, "reason": "canary latency greater"}]}
    run = promotion_run("r", body, frozenset({("t1", "complete")}))
    assert [d.action for d in run.decisions] == ["hold", "rollback"]
    assert run.rollback_reason == "canary latency greater" and run.decisions[0].times == 3
    assert (run.state, run.weight) == ("rolled_back", 0)
    assert promotion_run("r", {}).rollback_reason == ""


def test_percentile_is_the_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.99) == 99.0 and percentile(values, 1.0) == 100.0
    assert percentile([], 0.99) == 0.0 and percentile([3.0], 0.5) == 3.0
