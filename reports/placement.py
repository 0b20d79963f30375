"""Where a two-process pair's CPUs were (bench/paired.hpp): each probed repetition splits its
pairs at fixed round trips between the two CPUs (counters pairs_le_<L>ns, ratio_le_<L>ns),
and this module picks, over one program's run, the round trip up to which the CPUs count as
near each other, and each repetition's ratio over its near pairs.
"""

import re


def number(entry, key):
    """Whether entry[key] is a number (a Google Benchmark counter that is there)."""
    return isinstance(entry.get(key), (int, float))


_PAIRS_LE = re.compile(r"^pairs_le_(\d+)ns$")
# A repetition gives a near ratio only with at least this share of its pairs near: a few near
# pairs in a far repetition would weigh as much in the median over repetitions as a whole one.
_LEAST_NEAR_SHARE = 0.1
# near_limit(): the limit holds at least _BAND of the run's pairs, and the two steps of the
# grid above it (a factor of 2) hold at most _GAP times as many as the limit does, or
# _GAP_FLOOR of all pairs: a near band of a quarter of the time still has 1-2 % between.
_BAND, _GAP, _GAP_FLOOR = 0.2, 0.05, 0.025


def _grid(entry):
    """{limit in ns: pairs with a round trip of at most it} of one probed repetition."""
    return {int(m.group(1)): float(v) for k, v in entry.items() if (m := _PAIRS_LE.match(k)) and isinstance(v, (int, float))}


def probed(entry):
    return bool(_grid(entry))


def near_limit(entries):
    """The round trip up to which two CPUs count as near each other, from every probed
    repetition of `entries` (one program's): the first limit of the grid within which at least
    a fifth of the pairs fall and above which the next two steps of the grid (a factor of 2)
    hold at most a twentieth as many, or 2.5 % of all pairs: the top of the first band that is
    not a rarity, where a clear gap follows it. On the machine of issue 17 that is 141 ns: a
    band at 80 ns and one at 110-140 ns are one (no gap between them), 350-490 ns is the far
    one, and 1-2 % of the pairs fall between (a pair whose probes straddle a move: the gap is
    not empty, only nearly, so a limit of 1 % of the pairs put it at 566 ns in one of two
    runs). Each repetition weighs the same (its pairs as shares), whatever its number of
    pairs: a repetition is about a second of the run. None when no repetition was probed, or
    when the round trips show no such gap (then every pair counts)."""
    shares, repetitions = {}, 0
    for e in entries:
        grid, pairs = _grid(e), float(e.get("pairs", 0) or 0)
        if grid and pairs > 0:
            repetitions += 1
            for limit, n in grid.items():
                shares[limit] = shares.get(limit, 0.0) + n / pairs
    limits = sorted(shares)
    for i, limit in enumerate(limits[:-2]):  # the gap is the two steps above: none above the last two
        gap = shares[limits[i + 2]] - shares[limit]
        if shares[limit] >= _BAND * repetitions and gap <= max(_GAP * shares[limit], _GAP_FLOOR * repetitions):
            return limit
    return None


def near_ratio(entry, limit):
    """The ratio of one repetition: of its near pairs when it was probed (None when too few
    were near), else its `ratio`."""
    if not probed(entry) or not entry.get("pairs"):
        return float(entry["ratio"]) if number(entry, "ratio") else None
    if limit is None:
        return float(entry["ratio_all_pairs"]) if number(entry, "ratio_all_pairs") else None
    near = float(entry.get(f"pairs_le_{limit}ns", 0))
    enough = near > 0 and near >= _LEAST_NEAR_SHARE * float(entry.get("pairs", 0))
    return float(entry[f"ratio_le_{limit}ns"]) if enough and number(entry, f"ratio_le_{limit}ns") else None
