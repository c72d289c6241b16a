"""Seeds: every random entry point of the package takes an int, a numpy Generator or None."""

from __future__ import annotations

import numpy as np

from facecutout.errors import InvalidInputError


def as_generator(seed: int | np.random.Generator | None, name: str = "seed") -> np.random.Generator:
    """A numpy Generator from a seed, an existing Generator, or fresh OS entropy for None."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is not None and (not isinstance(seed, (int, np.integer)) or isinstance(seed, bool)):
        raise InvalidInputError(
            f"{name} must be an int, a numpy Generator or None, got {type(seed).__name__}"
        )
    if seed is not None and seed < 0:
        raise InvalidInputError(f"{name} must be a non-negative integer, got {seed}")
    return np.random.default_rng(seed)
