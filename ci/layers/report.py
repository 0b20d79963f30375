"""What a check found: violations, notes and the counts of the summary line."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Report:
    violations: list[tuple[str, int, str]] = field(default_factory=list)  # (path, line, text)
    notes: list[str] = field(default_factory=list)
    files_scanned: int = 0
    includes_seen: int = 0
    includes_resolved: int = 0
    includes_outside: int = 0
    unresolved_quoted: list[str] = field(default_factory=list)
    links_checked: int = 0
    targets_checked: int = 0
    deps_objects: int = 0
    deps_checked: int = 0

    def add(self, path: str, line: int, text: str) -> None:
        self.violations.append((path, line, text))


def format_violation(path: str, line: int, text: str) -> str:
    return f"{path}:{line}: {text}" if line else f"{path}: {text}"
