"""Dataset readers: each turns a raw dataset folder into one record per video.

``read_source(name, root, **options)`` dispatches to the reader ``name``: "dfdc", "ffpp",
"celebdf" or "csv" (root is then the CSV file).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from facecutout.errors import InvalidInputError
from facecutout.sources.base import FAKE, REAL, SourceListing, SourceSkip, VideoRecord

SOURCES = ("dfdc", "ffpp", "celebdf", "csv")


def read_source(name: str, root: str | Path, **options: Any) -> SourceListing:
    """The listing of dataset ``root`` read by reader ``name`` (options go to that reader).

    ``root`` is made absolute first, so the paths in the records and in the skip details are the
    same whether it was given relative or absolute.
    """
    root = Path(os.path.abspath(root))
    if name == "dfdc":
        from facecutout.sources.dfdc import read_dfdc

        return read_dfdc(root, **options)
    if name == "ffpp":
        from facecutout.sources.ffpp import read_ffpp

        return read_ffpp(root, **options)
    if name == "celebdf":
        from facecutout.sources.celebdf import read_celebdf

        return read_celebdf(root, **options)
    if name == "csv":
        from facecutout.sources.table import read_table

        return read_table(root, **options)
    raise InvalidInputError(f"source: unknown source {name!r}; choose one of {list(SOURCES)}")


__all__ = ["FAKE", "REAL", "SOURCES", "SourceListing", "SourceSkip", "VideoRecord", "read_source"]
