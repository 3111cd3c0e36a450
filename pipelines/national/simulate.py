"""Sample data for a national simulation: N offices under one national root, each the sample district.

Each office is `pipelines.sample.district.generate` with its own seed and its own school-code range
(`10` + office code + 4 digits: codes are unique nationally, as OBEC's are), named for an office of
warehouse/contracts/_offices.yaml in file order. The event logs default to 5,000 rows an office (the
single-office sample writes 25,000), so eight offices' nights fit a test or a benchmark on a laptop;
the benchmark scales the measured figures up to a real district (~10M events a year) in writing.
"""

from __future__ import annotations

from pathlib import Path

from pipelines.national.layout import create, office_root
from pipelines.office import offices
from pipelines.sample.district import FAMILIES, generate

EVENTS = 5_000
BASE_SEED = 2569


def simulate(root: Path, n: int, events: int = EVENTS, n_schools: int = 300,
             families: tuple[str, ...] = FAMILIES, seed: int = BASE_SEED) -> list[str]:
    """Write `n` offices' sample districts under the national root `root`; return their codes.
    Office i (0-based) gets seed `seed + i`; the same arguments give the same files."""
    known = list(offices())
    if not 1 <= n <= len(known):
        raise ValueError(f"n must be 1..{len(known)} (the offices of _offices.yaml)")
    codes = create(Path(root), known[:n])
    for i, code in enumerate(codes):
        generate(office_root(root, code), seed=seed + i, n_schools=n_schools, events=events,
                 families=families, office=code, office_codes=True)
    return codes
