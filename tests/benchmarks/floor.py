"""The benchmarks' one measure: a page's mean time as a multiple of the framework floor's
(bench/urls.py: a signed-in view returning a constant body through the same middleware
and session), timed in the same test, so a target holds on any machine."""

import time

from django.urls import reverse


def floor_mean(client, rounds=200):
    """The floor's mean over `rounds` requests (pytest-benchmark allows one benchmarked
    callable per test, so the floor is timed here with the same clock)."""
    url = reverse("benchmark_floor")
    assert client.get(url).status_code == 200
    for _ in range(20):
        client.get(url)
    started = time.perf_counter()
    for _ in range(rounds):
        client.get(url)
    return (time.perf_counter() - started) / rounds


def within_floors(benchmark, client, name, mean, multiple):
    """Fail when `mean` (seconds) is more than `multiple` floors."""
    floor = floor_mean(client)
    ratio = floor / mean
    benchmark.extra_info.update(floor_ms=round(floor * 1000, 2), ratio_to_floor=round(ratio, 3))
    print(f"\n{name}: {mean * 1000:.1f} ms; floor {floor * 1000:.2f} ms; ratio {ratio:.3f}")
    assert mean <= floor * multiple, (
        f"{name}: {mean * 1000:.1f} ms is more than {multiple} floors ({floor * 1000:.2f} ms each)"
    )
