"""Validation problems are data: collected, sorted and printed together, never raised."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int | None
    record: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        what = " ".join(
            part
            for part in (
                f"record '{self.record}'" if self.record else "",
                f"field '{self.field}'" if self.field else "",
            )
            if part
        )
        return f"{where}: {what + ': ' if what else ''}{self.message}"


@dataclass
class Problems:
    items: list[Problem] = field(default_factory=list)

    def add(self, file, line, record, field_name, message) -> None:
        self.items.append(Problem(str(file), line, record, field_name, message))

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def sorted(self) -> list[Problem]:
        return sorted(set(self.items), key=lambda p: (p.file, p.line or 0, str(p)))
