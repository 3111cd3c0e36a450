"""Make `thailand.geo.json` (shipped with the dashboards) from Natural Earth's countries in TopoJSON.

The office's machines reach no map server, so the map page draws on boundaries shipped in the
repository. This script is how that file was made, so anyone can remake or refine it; the app never
runs it. Standard library only:

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python -m dashboards.geo.build_outline package/countries-10m.json

Borders are simplified arc by arc (Douglas-Peucker on the TopoJSON arcs, which neighbouring countries
share), so Thailand and its neighbours still meet exactly along their common border.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

OUT = Path(__file__).with_name("thailand.geo.json")
THAILAND = "764"  # ISO 3166-1 numeric, the TopoJSON geometry id
# Neighbours drawn in grey around Thailand (the locator map clips them to its frame).
NEIGHBOURS = {"104": "เมียนมา", "418": "ลาว", "116": "กัมพูชา", "458": "มาเลเซีย", "704": "เวียดนาม"}
# Only the parts of a neighbour inside this window are kept (Malaysia's Borneo is far out of frame).
WINDOW = (94.0, 3.0, 109.0, 23.0)  # lon min, lat min, lon max, lat max
TOLERANCE = {"thailand": 0.004, "neighbour": 0.02}  # degrees; 0.004° ≈ 450 m
DIGITS = 3  # ≈ 110 m, about the source's own precision (0.0036° x 0.0017°)


def decode_arcs(topo: dict) -> list[list[tuple[float, float]]]:
    """Every arc as absolute (lon, lat): TopoJSON stores quantized deltas."""
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas-Peucker, iterative; the arc's two ends always stay (they are shared with other arcs)."""
    if len(points) < 3:
        return points
    keep = {0, len(points) - 1}
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        length = math.hypot(x2 - x1, y2 - y1)
        worst, index = 0.0, None
        for i in range(first + 1, last):
            x0, y0 = points[i]
            d = (abs((x2 - x1) * (y1 - y0) - (x1 - x0) * (y2 - y1)) / length if length
                 else math.hypot(x0 - x1, y0 - y1))
            if d > worst:
                worst, index = d, i
        if index is not None and worst > tolerance:
            keep.add(index)
            stack += [(first, index), (index, last)]
    return [points[i] for i in sorted(keep)]


def ring(indices: list[int], arcs: list[list[tuple[float, float]]]) -> list[list[float]]:
    """One closed ring from arc indices (~i is arc i reversed), rounded, repeated points dropped."""
    out: list[list[float]] = []
    for i in indices:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        for lon, lat in arc:
            p = [round(lon, DIGITS), round(lat, DIGITS)]
            if not out or out[-1] != p:
                out.append(p)
    return out


def in_window(polygon: list[list[list[float]]]) -> bool:
    lons = [p[0] for p in polygon[0]]
    lats = [p[1] for p in polygon[0]]
    x0, y0, x1, y1 = WINDOW
    return max(lons) >= x0 and min(lons) <= x1 and max(lats) >= y0 and min(lats) <= y1


def feature(geometry: dict, arcs: list, role: str, name_th: str) -> dict | None:
    parts = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
    polygons = []
    for polygon in parts:
        outer, *holes = (ring(indices, arcs) for indices in polygon)
        if len(outer) < 4 or (role == "neighbour" and not in_window([outer])):
            continue  # an islet that simplified away, or a part far out of frame
        polygons.append([outer, *(h for h in holes if len(h) >= 4)])
    if not polygons:
        return None
    return {"type": "Feature", "id": geometry["id"],
            "properties": {"name": geometry["properties"]["name"], "name_th": name_th, "role": role},
            "geometry": {"type": "MultiPolygon", "coordinates": polygons}}


def build(source: Path) -> dict:
    topo = json.loads(source.read_text(encoding="utf-8"))
    raw = decode_arcs(topo)
    wanted = {THAILAND: ("thailand", "ประเทศไทย"), **{k: ("neighbour", v) for k, v in NEIGHBOURS.items()}}
    geometries = [g for g in topo["objects"]["countries"]["geometries"] if g.get("id") in wanted]
    # An arc shared by Thailand and a neighbour is simplified once, with Thailand's finer tolerance.
    tolerance: dict[int, float] = {}
    for g in geometries:
        role = wanted[g["id"]][0]
        parts = g["arcs"] if g["type"] == "MultiPolygon" else [g["arcs"]]
        for i in (i for polygon in parts for indices in polygon for i in indices):
            a = i if i >= 0 else ~i
            tolerance[a] = min(tolerance.get(a, math.inf), TOLERANCE[role])
    arcs = [simplify(points, tolerance[a]) if a in tolerance else points for a, points in enumerate(raw)]
    features = [f for g in geometries if (f := feature(g, arcs, *wanted[g["id"]]))]
    features.sort(key=lambda f: f["properties"]["role"] == "thailand")  # Thailand drawn last, on top
    return {"type": "FeatureCollection", "features": features}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("countries", type=Path, help="world-atlas countries-10m.json (TopoJSON)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    text = json.dumps(build(args.countries), ensure_ascii=False, separators=(",", ":"))
    args.out.write_text(text + "\n", encoding="utf-8")
    print(f"{args.out}: {len(text.encode()) / 1024:.0f} KB")


if __name__ == "__main__":
    main()
