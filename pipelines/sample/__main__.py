"""`python -m pipelines.sample --out ROOT [--seed N] [--schools N] [--events N]`: write the sample district.

The landing files go to ROOT/landing/ and the ground truth to ROOT/sample/expected.json, exactly as
`khlang demo` makes them (without running anything). `--events` sets the rows of the digital platforms'
event logs (0: none); ten million make a realistic year of a district's platform use.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .district import FAMILIES, generate
from .platform import DEFAULT_EVENTS


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m pipelines.sample", description=__doc__.split("\n\n")[0])
    p.add_argument("--out", required=True, type=Path, help="data root to write landing/ and sample/ into")
    p.add_argument("--seed", type=int, default=2569)
    p.add_argument("--schools", type=int, default=300)
    p.add_argument("--events", type=int, default=DEFAULT_EVENTS,
                   help=f"platform event rows (default {DEFAULT_EVENTS:,}; 0: no platform files)")
    p.add_argument("--families", default=",".join(FAMILIES),
                   help=f"which of {', '.join(FAMILIES)} to write besides the register and DLTV, comma-separated "
                        "(default: all; empty: none)")
    args = p.parse_args(argv)
    families = tuple(f.strip() for f in args.families.split(",") if f.strip())
    started = time.perf_counter()
    try:
        expected = generate(args.out, seed=args.seed, n_schools=args.schools, events=args.events,
                            families=families)
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    platform = expected.get("platform", {})
    print(f"{len(expected['files'])} files in {args.out / 'landing'}; ground truth {args.out / 'sample' / 'expected.json'}")
    if platform:
        print(f"platform: {platform['events']:,} event rows in {len(platform['event_files'])} files, "
              f"{platform['daily_rows']:,} daily rows in {len(platform['daily_files'])} files, "
              f"{platform['users']:,} users")
    print(f"{time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
