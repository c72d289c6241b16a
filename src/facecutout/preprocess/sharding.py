"""``--shard K/N``: a deterministic split of the work by a hash of each original's id."""

from __future__ import annotations

import hashlib

from facecutout.errors import InvalidInputError


def parse_shard(text: str) -> tuple[int, int]:
    """ "K/N" -> (K, N) with 0 <= K < N."""
    try:
        index_text, count_text = text.split("/")
        index, count = int(index_text), int(count_text)
    except ValueError:
        raise InvalidInputError(f"shard: expected K/N (e.g. 0/4), got {text!r}") from None
    if count < 1 or not 0 <= index < count:
        raise InvalidInputError(f"shard: need 0 <= K < N, got {text!r}")
    return index, count


def shard_of(video: str, count: int) -> int:
    """The shard (0..count-1) of a video id: the same on every machine and Python version."""
    return int(hashlib.sha1(video.encode()).hexdigest()[:12], 16) % count
