"""Unit tests for the per-user flood limiter (qbot.telegram.limits)."""

from __future__ import annotations

import pytest

from qbot.telegram.limits import FloodLimiter, Verdict


class Clock:
    """A manually advanced monotonic clock."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_allows_up_to_the_limit_then_notifies_once_then_silent() -> None:
    clock = Clock()
    limiter = FloodLimiter(20, 10.0, clock=clock)
    assert [limiter.check(1) for _ in range(20)] == [Verdict.ALLOW] * 20
    assert limiter.check(1) is Verdict.NOTIFY
    assert limiter.check(1) is Verdict.SILENT
    assert limiter.check(1) is Verdict.SILENT


def test_users_are_independent() -> None:
    clock = Clock()
    limiter = FloodLimiter(2, 10.0, clock=clock)
    assert limiter.check(1) is Verdict.ALLOW
    assert limiter.check(1) is Verdict.ALLOW
    assert limiter.check(1) is Verdict.NOTIFY
    assert limiter.check(2) is Verdict.ALLOW


def test_sliding_window_frees_slots_as_events_age() -> None:
    clock = Clock()
    limiter = FloodLimiter(3, 10.0, clock=clock)
    for _ in range(3):
        assert limiter.check(7) is Verdict.ALLOW
        clock.now += 1  # events at 1000, 1001, 1002
    assert limiter.check(7) is Verdict.NOTIFY  # at 1003
    assert limiter.retry_after(7) == pytest.approx(7.0)
    clock.now = 1009.9
    assert limiter.check(7) is Verdict.SILENT
    clock.now = 1010.0  # the first event is exactly 10 s old: out of the window
    assert limiter.check(7) is Verdict.ALLOW
    assert limiter.check(7) is Verdict.NOTIFY  # told again after being allowed in between


def test_rejected_events_are_not_recorded() -> None:
    clock = Clock()
    limiter = FloodLimiter(1, 10.0, clock=clock)
    assert limiter.check(1) is Verdict.ALLOW
    for _ in range(100):
        clock.now += 0.05
        limiter.check(1)  # hammering during the window must not extend it
    clock.now = 1010.0
    assert limiter.check(1) is Verdict.ALLOW


def test_retry_after_zero_when_allowed() -> None:
    limiter = FloodLimiter(5, 10.0, clock=Clock())
    assert limiter.retry_after(1) == 0.0
    limiter.check(1)
    assert limiter.retry_after(1) == 0.0


def test_exempt_users_and_unknown_senders_are_never_limited() -> None:
    limiter = FloodLimiter(1, 10.0, exempt=frozenset({42}), clock=Clock())
    assert all(limiter.check(42) is Verdict.ALLOW for _ in range(50))
    assert all(limiter.check(None) is Verdict.ALLOW for _ in range(50))


def test_memory_is_bounded() -> None:
    clock = Clock()
    limiter = FloodLimiter(1, 10.0, max_users=100, clock=clock)
    for user in range(1000):
        limiter.check(user)
    assert len(limiter) == 100
    # The most recent users are kept (and still limited), the oldest forgotten.
    assert limiter.check(999) is Verdict.NOTIFY
    assert limiter.check(0) is Verdict.ALLOW


def test_500_users_at_once_are_all_allowed() -> None:
    limiter = FloodLimiter(20, 10.0, clock=Clock())
    assert all(limiter.check(user) is Verdict.ALLOW for user in range(500))


@pytest.mark.parametrize("args", [(0, 10.0), (1, 0.0), (1, -1.0)])
def test_invalid_configuration(args: tuple[int, float]) -> None:
    with pytest.raises(ValueError):
        FloodLimiter(*args)
