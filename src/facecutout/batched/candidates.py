"""The candidate regions of every image of a batch, in each image's order of preference.

Same candidates as :mod:`facecutout.cutout.regions`: sensory bands (features in random order, each
from w/3 down to w/6) and convex hulls of the 68-point outline (strategies in random order: runs
from the longest down to 3 points, 4 random subsets, the two halves of the outline hull). Every
candidate becomes (lines, box, valid) with the lines of :mod:`facecutout.batched.geometry`;
randomness comes from one ``torch.Generator``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch

from facecutout.batched.geometry import bounding_boxes, compact_lines, hull_lines, widen_lines
from facecutout.cutout.face_points import OUTLINE_68
from facecutout.cutout.regions import BAND_DIVISORS, MIN_RUN, SENSORY_FEATURES

SUBSET_TRIES = 4
_EYES_68 = (slice(36, 42), slice(42, 48))
_NOSE_68, _MOUTH_68 = 30, (48, 54)


@dataclass(frozen=True)
class Candidates:
    """K candidates per image in preference order: lines (B, K, E, 3), boxes (B, K, 4), valid (B, K)."""

    lines: torch.Tensor
    boxes: torch.Tensor
    valid: torch.Tensor
    edge_counts: torch.Tensor

    @staticmethod
    def from_points(
        points: torch.Tensor, present: torch.Tensor, height: int, width: int, cut: torch.Tensor | None = None
    ) -> Candidates:
        """Candidates that are hulls of rounded points (B, K, n, 2), optionally cut by lines (B, K, 3)."""
        lines, _ = hull_lines(points.round(), present)
        if cut is not None:
            lines = torch.cat([lines, cut[..., None, :]], dim=-2)
        lines, counts = compact_lines(widen_lines(lines))
        boxes = bounding_boxes(points, present, height, width)
        valid = present.any(-1) & (boxes[..., 2] >= boxes[..., 0]) & (boxes[..., 3] >= boxes[..., 1])
        return Candidates(lines, boxes, valid, counts)

    @property
    def count(self) -> int:
        return self.lines.shape[1]

    def pad_edges(self, edges: int) -> Candidates:
        """The same candidates with the line axis zero-padded to ``edges``."""
        missing = edges - self.lines.shape[2]
        lines = torch.nn.functional.pad(self.lines, (0, 0, 0, missing)) if missing > 0 else self.lines
        return Candidates(lines, self.boxes, self.valid, self.edge_counts)


def concatenate(first: Candidates, second: Candidates) -> Candidates:
    """Candidates of ``first`` followed by those of ``second``, per image."""
    edges = max(first.lines.shape[2], second.lines.shape[2])
    first, second = first.pad_edges(edges), second.pad_edges(edges)
    return Candidates(
        torch.cat([first.lines, second.lines], 1),
        torch.cat([first.boxes, second.boxes], 1),
        torch.cat([first.valid, second.valid], 1),
        torch.cat([first.edge_counts, second.edge_counts], 1),
    )


def choose(flags: torch.Tensor, when_true: Candidates, when_false: Candidates) -> Candidates:
    """Per image (flags (B,) bool), the candidates of ``when_true`` or of ``when_false`` (same shapes)."""
    pick = flags[:, None]
    return Candidates(
        torch.where(pick[..., None, None], when_true.lines, when_false.lines),
        torch.where(pick[..., None], when_true.boxes, when_false.boxes),
        torch.where(pick, when_true.valid, when_false.valid),
        torch.where(pick, when_true.edge_counts, when_false.edge_counts),
    )


def random_orders(
    batch: int, count: int, generator: torch.Generator | None, device: torch.device
) -> torch.Tensor:
    """(batch, count) independent uniform random permutations of range(count)."""
    keys = torch.rand(batch, count, generator=generator, device=device)
    return keys.argsort(dim=1)


def sensory_points(landmarks: torch.Tensor) -> torch.Tensor:
    """(B, 5, 2) eye, eye, nose tip, mouth corner, mouth corner of (B, 5 or 68, 2) landmarks."""
    if landmarks.shape[1] == 5:
        return landmarks
    eyes = [landmarks[:, part].mean(dim=1) for part in _EYES_68]
    return torch.stack(
        [*eyes, landmarks[:, _NOSE_68], landmarks[:, _MOUTH_68[0]], landmarks[:, _MOUTH_68[1]]], 1
    )


def feature_segments(points: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Starts (B, 3, 2), ends (B, 3, 2) and widths w (B, 3) of the eyes, nose and mouth segments."""
    left_eye, right_eye, nose, mouth_left, mouth_right = points.unbind(1)
    eye_distance = (right_eye - left_eye).norm(dim=-1)
    starts = torch.stack([left_eye, (left_eye + right_eye) / 2, mouth_left], 1)
    ends = torch.stack([right_eye, nose, mouth_right], 1)
    widths = torch.stack([eye_distance, eye_distance, (mouth_right - mouth_left).norm(dim=-1)], 1)
    return starts, ends, widths


def band_polygons(starts: torch.Tensor, ends: torch.Tensor, half_widths: torch.Tensor) -> torch.Tensor:
    """(..., 4, 2) rectangles around segments (..., 2), ``half_widths`` (...) to each side and beyond
    each end; the vertex order of :func:`facecutout.cutout.regions.band_polygon`."""
    delta = ends - starts
    length = delta.norm(dim=-1, keepdim=True)
    unit = torch.where(length > 1e-9, delta / length.clamp(min=1e-300), torch.tensor([1.0, 0.0]).to(delta))
    along = unit * half_widths[..., None]
    across = torch.stack([-along[..., 1], along[..., 0]], dim=-1)
    first, last = starts - along, ends + along
    return torch.stack([first + across, last + across, last - across, first - across], dim=-2)


def sensory_candidates(
    landmarks: torch.Tensor, order: torch.Tensor, features: Sequence[str], height: int, width: int
) -> Candidates:
    """Bands of the features in ``order`` ((B, F) indices into ``features``), thickest first."""
    starts, ends, widths = feature_segments(sensory_points(landmarks))
    chosen = torch.tensor([SENSORY_FEATURES.index(name) for name in features], device=landmarks.device)
    picked = chosen[order]  # (B, F) indices into eyes / nose / mouth
    starts = torch.gather(starts, 1, picked[..., None].expand(-1, -1, 2))
    ends = torch.gather(ends, 1, picked[..., None].expand(-1, -1, 2))
    widths = torch.gather(widths, 1, picked)
    divisors = torch.tensor(BAND_DIVISORS, dtype=widths.dtype, device=widths.device)
    half_widths = widths[..., None] / divisors  # (B, F, D)
    polygons = band_polygons(starts[:, :, None], ends[:, :, None], half_widths).flatten(1, 2)
    present = torch.ones(polygons.shape[:-1], dtype=torch.bool, device=polygons.device)
    return Candidates.from_points(polygons, present, height, width)


def _run_points(
    outline: torch.Tensor, generator: torch.Generator | None
) -> tuple[torch.Tensor, torch.Tensor]:
    """Runs of consecutive outline points from a random start, longest (random) down to MIN_RUN."""
    batch, count = outline.shape[:2]
    longest_max = count // 2
    start = torch.randint(count, (batch,), generator=generator, device=outline.device)
    longest = torch.randint(MIN_RUN, longest_max + 1, (batch,), generator=generator, device=outline.device)
    slots = torch.arange(longest_max - MIN_RUN + 1, device=outline.device)
    lengths = longest[:, None] - slots  # (B, S); a length below MIN_RUN is no candidate
    index = (start[:, None] + torch.arange(longest_max, device=outline.device)) % count
    points = torch.gather(outline, 1, index[..., None].expand(-1, -1, 2))
    present = torch.arange(longest_max, device=outline.device) < lengths[..., None]
    present &= (lengths >= MIN_RUN)[..., None]
    return points[:, None].expand(-1, len(slots), -1, -1), present


def _subset_points(
    outline: torch.Tensor, generator: torch.Generator | None
) -> tuple[torch.Tensor, torch.Tensor]:
    """SUBSET_TRIES random subsets of MIN_RUN .. count // 2 outline points."""
    batch, count = outline.shape[:2]
    largest = count // 2
    sizes = torch.randint(
        MIN_RUN, largest + 1, (batch, SUBSET_TRIES), generator=generator, device=outline.device
    )
    keys = torch.rand(batch, SUBSET_TRIES, count, generator=generator, device=outline.device)
    index = keys.argsort(dim=-1)[..., :largest]
    points = torch.gather(
        outline[:, None].expand(-1, SUBSET_TRIES, -1, -1), 2, index[..., None].expand(-1, -1, -1, 2)
    )
    present = torch.arange(largest, device=outline.device) < sizes[..., None]
    return points, present


def _half_cuts(
    outline: torch.Tensor, generator: torch.Generator | None
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The outline hull twice, with the two half-plane cuts through its centroid in random order."""
    batch, count = outline.shape[:2]
    present = torch.ones(batch, count, dtype=torch.bool, device=outline.device)
    _, corners = hull_lines(outline.round(), present)
    centroid = (outline * corners[..., None]).sum(1) / corners.sum(1, keepdim=True).clamp(min=1)
    angle = torch.rand(batch, generator=generator, device=outline.device, dtype=outline.dtype) * torch.pi
    normal = torch.stack([angle.cos(), angle.sin()], dim=-1)
    first = torch.where(torch.rand(batch, generator=generator, device=outline.device) < 0.5, 1.0, -1.0)
    signs = torch.stack([first, -first], 1).to(outline.dtype)  # (B, 2)
    offset = -(normal * centroid).sum(-1)
    cut = signs[..., None] * torch.cat([normal, offset[:, None]], dim=-1)[:, None]  # (B, 2, 3)
    points = outline[:, None].expand(-1, 2, -1, -1)
    return points, present[:, None].expand(-1, 2, -1), cut


def hull_candidates(
    landmarks: torch.Tensor,
    strategies: Sequence[str],
    generator: torch.Generator | None,
    height: int,
    width: int,
) -> Candidates:
    """Hull candidates of the 68-point outline, strategies in random order per image."""
    outline = landmarks[:, torch.as_tensor(OUTLINE_68, device=landmarks.device)]
    blocks = []
    for strategy in strategies:
        if strategy == "run":
            blocks.append(Candidates.from_points(*_run_points(outline, generator), height, width))
        elif strategy == "subset":
            blocks.append(Candidates.from_points(*_subset_points(outline, generator), height, width))
        else:
            points, present, cut = _half_cuts(outline, generator)
            blocks.append(Candidates.from_points(points, present, height, width, cut=cut))
    merged = blocks[0]
    for block in blocks[1:]:
        merged = concatenate(merged, block)
    sizes = torch.tensor([block.count for block in blocks], device=landmarks.device)
    block_of = torch.repeat_interleave(torch.arange(len(blocks), device=landmarks.device), sizes)
    within = torch.arange(merged.count, device=landmarks.device) - (torch.cumsum(sizes, 0) - sizes)[block_of]
    # Each image places whole blocks in a random order, keeping the order inside a block.
    block_rank = random_orders(landmarks.shape[0], len(blocks), generator, landmarks.device).argsort(dim=1)
    source = (block_rank[:, block_of] * merged.count + within).argsort(dim=1)
    return take(merged, source)


def take(candidates: Candidates, index: torch.Tensor) -> Candidates:
    """Candidates reordered per image: result[b, k] = candidates[b, index[b, k]]."""
    lines = torch.gather(
        candidates.lines, 1, index[..., None, None].expand(-1, -1, *candidates.lines.shape[2:])
    )
    boxes = torch.gather(candidates.boxes, 1, index[..., None].expand(-1, -1, 4))
    return Candidates(
        lines, boxes, torch.gather(candidates.valid, 1, index), torch.gather(candidates.edge_counts, 1, index)
    )


def variant_candidates(
    landmarks: torch.Tensor,
    variant: str,
    generator: torch.Generator | None,
    features: Sequence[str],
    strategies: Sequence[str],
    height: int,
    width: int,
) -> Candidates:
    """All candidates of the variant per image, in preference order ("random" with 68 points: one
    variant first, each with probability 1/2, then the other; with 5 points: "sensory")."""
    batch, device = landmarks.shape[0], landmarks.device
    use_hull = landmarks.shape[1] == 68 and variant in ("convex_hull", "random")
    use_sensory = variant != "convex_hull"
    sensory_first = None
    if use_hull and use_sensory:
        sensory_first = torch.rand(batch, generator=generator, device=device) < 0.5
    if use_sensory:
        order = random_orders(batch, len(features), generator, device)
        sensory = sensory_candidates(landmarks, order, features, height, width)
    if not use_hull:
        return sensory
    hull = hull_candidates(landmarks, strategies, generator, height, width)
    if sensory_first is None:
        return hull
    return choose(sensory_first, concatenate(sensory, hull), concatenate(hull, sensory))
