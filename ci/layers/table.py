"""The layers table: the rows of README.md between `<!-- layers: begin -->` and `<!-- layers: end -->`.

| folder | its job | may include |: a path belongs to the row with the longest matching folder
prefix; it may use its own row's folder and the top-level folders the row names ("nothing of
ours", "everything", or backticked names such as `harness`, `lib`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

BEGIN_MARK = "<!-- layers: begin -->"
END_MARK = "<!-- layers: end -->"


class UsageError(Exception):
    """Bad usage or an unreadable README table: exit status 2."""


@dataclass(frozen=True)
class Row:
    folder: str            # "lib/", "audit/probe/": always ends with "/"
    everything: bool
    names: frozenset       # top-level folder names it may use besides its own folder
    line: int              # README line, for messages


class Layers:
    def __init__(self, rows: list[Row]):
        self.rows = sorted(rows, key=lambda r: len(r.folder), reverse=True)

    def row_of(self, path: str) -> Row | None:
        """The row of a file path (or of a folder given with a trailing "/"): longest prefix."""
        for row in self.rows:
            if path.startswith(row.folder):
                return row
        return None

    @staticmethod
    def allows(row: Row, target: str) -> bool:
        """May a file of `row` use the repository file (or folder, with "/") `target`?"""
        if row.everything or target.startswith(row.folder):
            return True
        return target.split("/", 1)[0] in row.names

    def label(self, path: str) -> str:
        """The folder a target is named by in messages: its row's, or its top-level folder."""
        row = self.row_of(path)
        if row is not None:
            return row.folder
        head = path.split("/", 1)[0]
        return head + "/" if "/" in path else "(top level)"


_BACKTICKED = re.compile(r"^`([^`]+)`$")


def _split_cells(line: str) -> list[str]:
    cells = re.split(r"(?<!\\)\|", line.strip())
    if cells and cells[0].strip() == "":
        cells = cells[1:]
    if cells and cells[-1].strip() == "":
        cells = cells[:-1]
    return [c.strip() for c in cells]


def parse_table(text: str, source: str = "README.md") -> Layers:
    lines = text.splitlines()
    try:
        begin = next(i for i, l in enumerate(lines) if l.strip() == BEGIN_MARK)
        end = next(i for i, l in enumerate(lines) if i > begin and l.strip() == END_MARK)
    except StopIteration:
        raise UsageError(f"{source}: no table between '{BEGIN_MARK}' and '{END_MARK}'") from None
    raw = []  # (line number, first cell, last cell)
    for number in range(begin + 1, end):
        line = lines[number]
        if not line.strip():
            continue
        if not line.lstrip().startswith("|"):
            raise UsageError(f"{source}:{number + 1}: not a table line: {line.strip()!r}")
        cells = _split_cells(line)
        if len(cells) < 3:
            raise UsageError(f"{source}:{number + 1}: a row needs 3 cells, this one has {len(cells)}")
        if all(re.fullmatch(r":?-+:?", c) for c in cells):
            continue  # the separator line
        raw.append((number + 1, cells[0], cells[-1]))
    if raw and raw[0][1].lower() == "folder":
        raw = raw[1:]  # the header line
    if not raw:
        raise UsageError(f"{source}: the layers table has no rows")

    folders = {}
    for number, first, _ in raw:
        m = _BACKTICKED.match(first)
        if not m:
            raise UsageError(f"{source}:{number}: the first cell must be one backticked folder, got {first!r}")
        folder = m.group(1).strip().strip("/")
        if not folder or folder.startswith(".") or "//" in folder or "\\" in folder:
            raise UsageError(f"{source}:{number}: not a folder of the repository: {first!r}")
        folder += "/"
        if folder in folders:
            raise UsageError(f"{source}:{number}: folder {folder} has two rows (also line {folders[folder]})")
        folders[folder] = number
    top_names = {f.split("/", 1)[0] for f in folders}

    rows = []
    for number, first, last in raw:
        folder = _BACKTICKED.match(first).group(1).strip().strip("/") + "/"
        spec = last.strip()
        if spec.lower() == "nothing of ours":
            rows.append(Row(folder, False, frozenset(), number))
            continue
        if spec.lower() == "everything":
            rows.append(Row(folder, True, frozenset(), number))
            continue
        names = []
        for item in spec.split(","):
            m = _BACKTICKED.match(item.strip())
            if not m or "/" in m.group(1).strip().strip("/"):
                raise UsageError(
                    f"{source}:{number}: 'may include' must be \"nothing of ours\", \"everything\" or "
                    f"backticked top-level names separated by commas, got {spec!r}")
            name = m.group(1).strip().strip("/")
            if name not in top_names:
                raise UsageError(f"{source}:{number}: `{name}` is no folder of the table")
            names.append(name)
        rows.append(Row(folder, False, frozenset(names), number))
    return Layers(rows)

