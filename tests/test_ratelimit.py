"""The shared rate limiter: budgets per minute, Retry-After pauses, adaptive slow-down, defaults as data."""

import threading

import pytest

from extract.ratelimit import Limits, RateLimiter, attach, default_limits, estimate_tokens, retry_after


class Clock:
    """A fake clock whose sleep advances time, so waits are exact and the test is instant."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def limiter(rpm=None, tpm=None):
    clock = Clock()
    return RateLimiter(Limits(rpm, tpm), clock, clock.sleep), clock


def test_requests_per_minute_are_spread_after_the_burst():
    rl, clock = limiter(rpm=60)  # one a second; a burst of 10 seconds' worth
    for _ in range(10):
        rl.acquire(0)
    assert clock.now == 0.0
    for _ in range(5):
        rl.acquire(0)
    assert clock.now == pytest.approx(5.0)


def test_token_budget_counts_the_real_usage():
    rl, clock = limiter(tpm=6000)  # 100 tokens a second, burst 1000
    rl.acquire(1000)
    rl.settle(1000, 3000)  # the answer was three times the estimate
    rl.acquire(10)
    assert clock.now == pytest.approx(20.1)  # 2000 tokens of debt, then 10 more, at 100/s


def test_a_429_pauses_for_retry_after_and_halves_the_rate():
    rl, clock = limiter(rpm=600)
    rl.throttled(7.0)
    rl.acquire(0)
    assert clock.now == pytest.approx(7.0)
    assert rl.factor == 0.5 and rl.effective_rpm == 300
    for _ in range(200):
        rl.settle(0, 0)
    assert rl.factor == 1.0  # successes win the rate back


def test_without_a_configured_rate_a_429_learns_one_from_the_last_minute():
    rl, clock = limiter()
    for _ in range(30):
        rl.acquire(0)
        clock.now += 1.0
    assert rl.effective_rpm is None
    rl.throttled(None)
    assert rl.effective_rpm == pytest.approx(30.0)  # 30 in the last 30 s = 60 rpm, halved
    before = clock.now
    rl.acquire(0)
    assert clock.now - before == pytest.approx(2.0)  # one request per 2 s from the 429 on (the 1 s pause inside)


def test_defaults_are_data_per_provider_and_model():
    assert default_limits("openai", "gpt-4o-mini") == Limits(500, 200_000)
    assert default_limits("openai", "gpt-4o").tpm == 30_000
    assert not default_limits("openai-compatible", "anything")


def test_estimates_and_headers():
    assert estimate_tokens({"messages": [{"content": "x" * 400}], "max_tokens": 50}) == 150
    assert retry_after({"retry-after": "3"}) == 3.0
    assert retry_after({"retry-after-ms": "250"}) == 0.25
    assert retry_after({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}) is None


def test_attach_limits_every_request_of_a_provider_across_threads():
    calls: list[float] = []
    rl, clock = limiter(rpm=60)

    class Fake:
        def raw_create(self, **kwargs):
            calls.append(clock.now)
            return None

    providers = [Fake() for _ in range(4)]
    for p in providers:
        attach(p, rl)
    threads = [threading.Thread(target=lambda p=p: [p.raw_create(messages=[]) for _ in range(5)]) for p in providers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 20
    assert clock.now == pytest.approx(10.0)  # 20 requests at 1/s after a 10-request burst
