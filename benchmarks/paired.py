"""Timing that holds on a shared, noisy machine: the baseline and the measured path run in turns
(baseline, measured, baseline, measured, …) so that both see the same load, each pair gives a
ratio, and the report shows the min and median of each time and of the ratios, with the load
average before and after. Used by every script in benchmarks/."""

import os
import resource
import statistics
import time
from pathlib import Path


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def command_env(folder) -> dict:
    """The environment of a timed `python -m dtscore …` run: dtscore as a user has it installed.
    pip compiles an installed package's bytecode (its default); a development machine may forbid
    writing it (PYTHONDONTWRITEBYTECODE=1 here), and every run would then compile dtscore's ~50
    modules from source, about 50 ms. The bytecode goes to `folder` (the warm-up run writes it),
    never into the source tree. Expected formulas are cached in `folder` too."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PYTHONPYCACHEPREFIX": str(Path(folder) / "pycache"), "DTSCORE_CACHE_DIR": str(Path(folder) / "cache")}


def cpu_time() -> float:
    """CPU seconds of this process and of its finished child processes (commands, workers)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def timed(run) -> tuple:
    """(wall seconds, CPU seconds of this process and its children) of one run."""
    start, cpu = time.perf_counter(), cpu_time()
    run()
    return time.perf_counter() - start, cpu_time() - cpu


class Pairs:
    """Interleaved runs of a baseline and a measured path; `per` divides each time (per call, per
    unit…) so that paths that do different amounts of work compare per item."""

    def __init__(self, name, baseline, measured, *, repeat=5, per_baseline=1, per_measured=1, warmup=True):
        self.name, self.baseline, self.measured = name, baseline, measured
        self.repeat, self.per = repeat, (per_baseline, per_measured)
        self.warmup = warmup
        self.times: tuple = ([], [])
        self.cpu: tuple = ([], [])  # CPU time of this process and its children: what a run costs, whatever the load

    def run(self) -> "Pairs":
        self.load_before = load()
        if self.warmup:
            self.baseline()
            self.measured()
        for _ in range(self.repeat):
            for side, run in enumerate((self.baseline, self.measured)):
                wall, cpu = timed(run)
                self.times[side].append(wall / self.per[side])
                self.cpu[side].append(cpu / self.per[side])
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
        if min(self.cpu[1]) > 0 and min(self.cpu[0]) > 0.2 * min(self.times[0]):
            rows.append(f"  CPU time (this process and its children), min: {min(self.cpu[0]) * scale:.4g} {unit} ÷ "
                        f"{min(self.cpu[1]) * scale:.4g} {unit} = {min(self.cpu[0]) / min(self.cpu[1]):.3g} ×")
        return "\n".join(rows)
