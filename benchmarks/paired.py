"""Timing that holds on a shared, noisy machine: the baseline and the measured path run in turns
(baseline, measured, baseline, measured, …) so that both see the same load, each pair gives a
ratio, and the report shows the min and median of each time and of the ratios, with the load
average before and after. Used by every script in benchmarks/."""

import os
import statistics
import time


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def timed(run) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


class Pairs:
    """Interleaved runs of a baseline and a measured path; `per` divides each time (per call, per
    unit…) so that paths that do different amounts of work compare per item."""

    def __init__(self, name, baseline, measured, *, repeat=5, per_baseline=1, per_measured=1, warmup=True):
        self.name, self.baseline, self.measured = name, baseline, measured
        self.repeat, self.per = repeat, (per_baseline, per_measured)
        self.warmup = warmup
        self.times = ([], [])

    def run(self) -> "Pairs":
        self.load_before = load()
        if self.warmup:
            self.baseline()
            self.measured()
        for _ in range(self.repeat):
            self.times[0].append(timed(self.baseline) / self.per[0])
            self.times[1].append(timed(self.measured) / self.per[1])
        self.load_after = load()
        return self

    @property
    def ratios(self) -> list:
        return [b / m for b, m in zip(*self.times)]

    def report(self, unit="s", scale=1.0, labels=("baseline", "measured")) -> str:
        rows = [f"{self.name} — {self.repeat} interleaved pairs, load average {self.load_before} → {self.load_after}"]
        for label, times in zip(labels, self.times):
            rows.append(f"  {label:<34} min {min(times) * scale:10.4g} {unit}   median "
                        f"{statistics.median(times) * scale:10.4g} {unit}")
        rows.append(f"  ratio {labels[0]} ÷ {labels[1]:<22} min {min(self.ratios):10.3g} ×    median "
                    f"{statistics.median(self.ratios):10.3g} ×")
        return "\n".join(rows)
