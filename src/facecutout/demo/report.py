"""The demo report: one Markdown file beside its PNGs, written atomically."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from facecutout.fileio import atomic_write_bytes


@dataclass
class Report:
    """A Markdown report under ``folder``; images are linked relative to it."""

    folder: Path
    title: str
    sections: list[str] = field(default_factory=list)

    def add(self, heading: str, text: str = "", images: tuple[tuple[str, Path], ...] = ()) -> None:
        """Add a section: a heading, Markdown text and images (caption, path inside ``folder``)."""
        parts = [f"## {heading}"]
        if text:
            parts.append(text.strip())
        for caption, path in images:
            parts.append(
                f"![{caption}]({Path(path).resolve().relative_to(self.folder.resolve()).as_posix()})"
            )
        self.sections.append("\n\n".join(parts))

    def add_text(self, text: str) -> None:
        """Add Markdown text without a heading (e.g. a box above the first section)."""
        self.sections.append(text.strip())

    def write(self, name: str = "report.md") -> Path:
        path = self.folder / name
        atomic_write_bytes(path, ("\n\n".join([f"# {self.title}", *self.sections]) + "\n").encode())
        return path
