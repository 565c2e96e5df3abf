"""Benchmark business-time arithmetic across National Day 2026 on the cn-std calendar."""

import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

# Run as a plain script, so the project root is not on the import path by default.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sla.calendar import (  # noqa: E402
    business_deadline,
    business_minutes_between,
    parse_intervals,
)
from sla.holidays_cn import cn_spec  # noqa: E402

CALLS = 5000
WARMUP = 200
TEN_DAYS = 10 * 480
SPEC = cn_spec(2026, 2026, parse_intervals("09:00-12:00, 13:00-18:00"))
FIRST_START = datetime(2026, 9, 29, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
# Spread starts over two calendar days (open, lunch, night) so calls take different paths.
STARTS = [FIRST_START + timedelta(minutes=(n * 7) % 2880) for n in range(CALLS)]
ENDS = [business_deadline(SPEC, start, TEN_DAYS) for start in STARTS]


def timings_us(call: Callable[[int], object]) -> list[float]:
    for n in range(WARMUP):
        call(n)
    timings = []
    for n in range(CALLS):
        began = time.perf_counter_ns()
        call(n)
        timings.append((time.perf_counter_ns() - began) / 1000)
    return timings


def report(name: str, timings: list[float]) -> None:
    median = statistics.median(timings)
    p95 = statistics.quantiles(timings, n=20)[-1]
    print(f"{name:<48} median {median:7.1f} us   p95 {p95:7.1f} us   ({len(timings)} calls)")


def main() -> None:
    print(f"cn-std 09:00-12:00,13:00-18:00 from {STARTS[0]:%Y-%m-%d} across National Day 2026")
    report(
        "business_deadline(10 business days)",
        timings_us(lambda n: business_deadline(SPEC, STARTS[n], TEN_DAYS)),
    )
    report(
        "business_minutes_between(same span)",
        timings_us(lambda n: business_minutes_between(SPEC, STARTS[n], ENDS[n])),
    )


if __name__ == "__main__":
    main()
