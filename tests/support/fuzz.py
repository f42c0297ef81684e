"""Settings shared by the fuzz tests: a bounded count for CI, raised with OFFGRID_FUZZ_EXAMPLES for long runs."""

import os

from hypothesis import HealthCheck, settings


def fuzz_settings(default: int, scale: float = 1.0, **kw: object) -> settings:
    """`default` examples, or OFFGRID_FUZZ_EXAMPLES times `scale` (for tests that start a server per example);
    no example database, no deadline (a real server answers). The CI counts run the same examples every time, so
    a red CI is a change's doing; long runs draw new ones (and what they find becomes a regression test)."""
    asked = os.environ.get("OFFGRID_FUZZ_EXAMPLES")
    count = max(default, int(int(asked) * scale)) if asked else default
    return settings(
        max_examples=count,
        deadline=None,
        database=None,
        derandomize=not asked,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
        **kw,  # type: ignore[arg-type]
    )


class Tally:
    """Counts of cases run, by strategy, printed at the end of a test (pytest -rP shows them)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.counts: dict[str, int] = {}

    def add(self, kind: str, n: int = 1) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + n

    def report(self) -> None:
        total = sum(self.counts.values())
        parts = ", ".join(f"{k} {v}" for k, v in sorted(self.counts.items()))
        print(f"fuzz {self.name}: {total} cases ({parts})")
