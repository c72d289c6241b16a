"""The candidate regions of every image of a batch, in each image's order of preference.

Same candidates as :mod:`facecutout.cutout.regions`: sensory bands (features in random order, each
from w/3 down to w/6) and convex hulls of the 68-point outline (strategies in random order: runs
from the longest down to 3 points, 4 random subsets, the two halves of the outline hull). They stay
point sets until measured, when :meth:`Candidates.lines` turns the ones asked for into the lines of
:mod:`facecutout.batched.geometry`. Randomness comes from one ``torch.Generator``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch

from facecutout.batched.geometry import (
    bounding_boxes,
    compact_lines,
    convex_polygon_lines,
    hull_lines,
    widen_lines,
)
from facecutout.cutout.face_points import OUTLINE_68
from facecutout.cutout.regions import BAND_DIVISORS, MIN_RUN, SENSORY_FEATURES

SUBSET_TRIES = 4
CENTROID_PRECISION = 1024
_EYES_68 = (slice(36, 42), slice(42, 48))
_NOSE_68, _MOUTH_68 = 30, (48, 54)


@dataclass(frozen=True)
class Candidates:
    """K candidates per image in preference order, kept as point sets until they are measured.

    Candidate k of image b is the convex hull of ``points[b, k]`` (B, K, n, 2) where ``present``
    (B, K, n), present points first (in cyclic order where they are a convex polygon's vertices),
    unless ``cut[b, k]`` (B, K, 2) is a non-zero normal: then it is the hull of the image's
    ``outline`` (B, m, 2) intersected with the half-plane of that normal whose line passes through
    the centroid of the outline hull's corners (:func:`outline_hulls`), and the points only give
    its box. A candidate without points is padding and never admissible.
    """

    points: torch.Tensor
    present: torch.Tensor
    cut: torch.Tensor
    outline: torch.Tensor | None = None

    @staticmethod
    def hulls(points: torch.Tensor, present: torch.Tensor) -> Candidates:
        """Uncut hulls of the point sets (B, K, n, 2)."""
        return Candidates(points, present, points.new_zeros((*points.shape[:2], 2)))

    @property
    def count(self) -> int:
        return self.points.shape[1]

    def pad_points(self, size: int) -> Candidates:
        """The same candidates with the point axis padded to ``size`` with absent points."""
        missing = size - self.points.shape[2]
        if missing <= 0:
            return self
        points = torch.nn.functional.pad(self.points, (0, 0, 0, missing))
        present = torch.nn.functional.pad(self.present, (0, missing))
        return Candidates(points, present, self.cut, self.outline)

    def reorder(self, index: torch.Tensor) -> Candidates:
        """Candidates reordered per image: result[b, k] = self[b, index[b, k]]."""
        size = self.points.shape[2]
        return Candidates(
            torch.gather(self.points, 1, index[..., None, None].expand(-1, -1, size, 2)),
            torch.gather(self.present, 1, index[..., None].expand(-1, -1, size)),
            torch.gather(self.cut, 1, index[..., None].expand(-1, -1, 2)),
            self.outline,
        )

    def lines(
        self, image: torch.Tensor, rank: torch.Tensor, height: int, width: int
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Widened lines (A, E, 3), non-zero first, their counts (A,) and boxes (A, 4) of candidates
        ``rank`` (A,) of images ``image`` (A,)."""
        points, present, cut = self.points[image, rank], self.present[image, rank], self.cut[image, rank]
        is_cut = (cut != 0).any(-1)
        polygon_lines, convex = convex_polygon_lines(points, present)  # never a cut candidate's 2 points
        boxes = bounding_boxes(points, present, height, width)
        if bool(convex.all()):  # bands only, say: exact edges first, none zero
            counts = present.sum(1)
            return widen_lines(polygon_lines[:, : int(counts.max())]), counts, boxes
        parts = []
        for group, group_lines in (
            (convex, lambda rows: polygon_lines[rows]),
            (~convex & ~is_cut, lambda rows: _hull_lines(points[rows], present[rows])),
            (is_cut, lambda rows: self._half_lines(image[rows], cut[rows])),
        ):
            rows = group.nonzero(as_tuple=True)[0]
            if len(rows):
                parts.append((rows, group_lines(rows)))
        if len(parts) == 1:
            lines = parts[0][1]
        else:
            lines = points.new_zeros((len(image), max(part.shape[1] for _, part in parts), 3))
            for rows, part in parts:
                lines[rows, : part.shape[1]] = part
        lines, counts = compact_lines(lines)
        return widen_lines(lines), counts, boxes

    def _half_lines(self, image: torch.Tensor, normal: torch.Tensor) -> torch.Tensor:
        """Lines (A, m + 1, 3) of cut candidates of images ``image`` (A,) with normals (A, 2): the
        outline hull's lines, then the cut line. Each image's outline hull is found once."""
        images, inverse = torch.unique(image, return_inverse=True)
        shared, centroids = outline_hulls(self.outline[images])
        cut = cut_lines(normal, centroids[inverse])
        return torch.cat([shared[inverse], cut[:, None]], 1)


def concatenate(first: Candidates, second: Candidates) -> Candidates:
    """Candidates of ``first`` followed by those of ``second``, per image."""
    size = max(first.points.shape[2], second.points.shape[2])
    first, second = first.pad_points(size), second.pad_points(size)
    return Candidates(
        torch.cat([first.points, second.points], 1),
        torch.cat([first.present, second.present], 1),
        torch.cat([first.cut, second.cut], 1),
        first.outline if first.outline is not None else second.outline,
    )


def choose(flags: torch.Tensor, when_true: Candidates, when_false: Candidates) -> Candidates:
    """Per image (flags (B,) bool), the candidates of ``when_true`` or of ``when_false``: the same
    candidates in two orders (same shapes, same outlines)."""
    pick = flags[:, None]
    return Candidates(
        torch.where(pick[..., None, None], when_true.points, when_false.points),
        torch.where(pick[..., None], when_true.present, when_false.present),
        torch.where(pick[..., None], when_true.cut, when_false.cut),
        when_true.outline,
    )


def _hull_lines(points: torch.Tensor, present: torch.Tensor) -> torch.Tensor:
    """Hull lines of rounded point sets (A, n, 2), computed on only as many slots as the fullest set uses."""
    size = max(int(present.sum(1).max()), 1)
    return hull_lines(points[:, :size], present[:, :size])[0]


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


def sensory_candidates(landmarks: torch.Tensor, order: torch.Tensor, features: Sequence[str]) -> Candidates:
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
    return Candidates.hulls(
        polygons, torch.ones(polygons.shape[:-1], dtype=torch.bool, device=polygons.device)
    )


def _runs(outline: torch.Tensor, generator: torch.Generator | None) -> Candidates:
    """Runs of consecutive outline points from a random start, longest (random) down to MIN_RUN."""
    batch, count = outline.shape[:2]
    device = outline.device
    longest_max = count // 2
    start = torch.randint(count, (batch,), generator=generator, device=device)
    longest = torch.randint(MIN_RUN, longest_max + 1, (batch,), generator=generator, device=device)
    slots = torch.arange(longest_max - MIN_RUN + 1, device=device)
    lengths = longest[:, None] - slots  # (B, S); a length below MIN_RUN is padding
    index = (start[:, None] + torch.arange(longest_max, device=device)) % count
    points = torch.gather(outline, 1, index[..., None].expand(-1, -1, 2))
    present = torch.arange(longest_max, device=device) < lengths[..., None]
    present &= (lengths >= MIN_RUN)[..., None]
    return Candidates.hulls(points[:, None].expand(-1, len(slots), -1, -1), present)


def _subsets(outline: torch.Tensor, generator: torch.Generator | None) -> Candidates:
    """SUBSET_TRIES random subsets of MIN_RUN .. count // 2 outline points."""
    batch, count = outline.shape[:2]
    device = outline.device
    largest = count // 2
    sizes = torch.randint(MIN_RUN, largest + 1, (batch, SUBSET_TRIES), generator=generator, device=device)
    keys = torch.rand(batch, SUBSET_TRIES, count, generator=generator, device=device)
    index = keys.argsort(dim=-1)[..., :largest]
    present = torch.arange(largest, device=device) < sizes[..., None]
    # The chosen points in outline order (the same set, hence the same hull), absent ones last.
    index = torch.where(present, index, index + count).sort(dim=-1).values % count
    points = torch.gather(
        outline[:, None].expand(-1, SUBSET_TRIES, -1, -1), 2, index[..., None].expand(-1, -1, -1, 2)
    )
    return Candidates.hulls(points, present)


def _halves(outline: torch.Tensor, generator: torch.Generator | None) -> Candidates:
    """The outline hull twice, cut through its centroid along a random line, sides in random order.

    The hull and centroid are found only for the halves measured (:meth:`Candidates.lines`). A cut
    candidate's points only give its box, so each half keeps two: the corners of the outline's box
    (the same box, and fewer point slots for all the hull candidates).
    """
    batch = outline.shape[0]
    device = outline.device
    angle = torch.rand(batch, generator=generator, device=device, dtype=outline.dtype) * torch.pi
    normal = torch.stack([angle.cos(), angle.sin()], dim=-1)
    first = torch.where(torch.rand(batch, generator=generator, device=device) < 0.5, 1.0, -1.0)
    sides = torch.stack([first, -first], 1).to(outline.dtype)  # (B, 2)
    box = torch.stack([outline.amin(1), outline.amax(1)], 1)  # (B, 2, 2)
    return Candidates(
        box[:, None].expand(-1, 2, -1, -1),
        torch.ones(batch, 2, 2, dtype=torch.bool, device=device),
        sides[..., None] * normal[:, None],
        outline,
    )


def outline_hulls(outline: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Hull lines (A, m, 3) of outlines (A, m, 2), and the centroids (A, 2) of their hulls' corners.

    The corners are found on 1/1024-pixel points, as the per-image version finds them on the
    unrounded points; both hulls are one call of :func:`hull_lines` (exact in float64).
    """
    both = torch.cat([outline.round(), outline * CENTROID_PRECISION])
    lines, corners = hull_lines(both, torch.ones(both.shape[:2], dtype=torch.bool, device=both.device))
    corners = corners[len(outline) :]
    centroids = (outline * corners[..., None]).sum(1) / corners.sum(1, keepdim=True).clamp(min=1)
    return lines[: len(outline)], centroids


def cut_lines(normals: torch.Tensor, points: torch.Tensor) -> torch.Tensor:
    """Lines (A, 3) with normals (A, 2) through points (A, 2)."""
    return torch.cat([normals, -(normals * points).sum(1, keepdim=True)], dim=1)


def hull_candidates(
    landmarks: torch.Tensor, strategies: Sequence[str], generator: torch.Generator | None
) -> Candidates:
    """Hull candidates of the 68-point outline, strategies in random order per image."""
    outline = landmarks[:, torch.as_tensor(OUTLINE_68, device=landmarks.device)]
    build = {"run": _runs, "subset": _subsets, "half": _halves}
    blocks = [build[strategy](outline, generator) for strategy in strategies]
    merged = blocks[0]
    for block in blocks[1:]:
        merged = concatenate(merged, block)
    device = landmarks.device
    sizes = torch.tensor([block.count for block in blocks], device=device)
    block_of = torch.repeat_interleave(torch.arange(len(blocks), device=device), sizes)
    within = torch.arange(merged.count, device=device) - (torch.cumsum(sizes, 0) - sizes)[block_of]
    # Each image places whole blocks in a random order, keeping the order inside a block.
    block_rank = random_orders(landmarks.shape[0], len(blocks), generator, device).argsort(dim=1)
    return merged.reorder((block_rank[:, block_of] * merged.count + within).argsort(dim=1))


def variant_candidates(
    landmarks: torch.Tensor,
    variant: str,
    generator: torch.Generator | None,
    features: Sequence[str],
    strategies: Sequence[str],
) -> Candidates:
    """All candidates of the variant per image, in preference order ("random" with 68 points: one
    variant first, each with probability 1/2, then the other; with 5 points: "sensory").

    Padding candidates (runs shorter than MIN_RUN: no points, never admissible) come last, so the
    steps of :func:`facecutout.batched.selection.select_spans` measure only real candidates first.
    """
    batch, device = landmarks.shape[0], landmarks.device
    use_hull = landmarks.shape[1] == 68 and variant in ("convex_hull", "random")
    use_sensory = variant != "convex_hull"
    sensory_first = None
    if use_hull and use_sensory:
        sensory_first = torch.rand(batch, generator=generator, device=device) < 0.5
    if use_sensory:
        sensory = sensory_candidates(
            landmarks, random_orders(batch, len(features), generator, device), features
        )
    if not use_hull:
        return sensory
    hull = hull_candidates(landmarks, strategies, generator)
    if sensory_first is not None:
        hull = choose(sensory_first, concatenate(sensory, hull), concatenate(hull, sensory))
    padding = ~hull.present.any(-1)
    return hull.reorder(torch.sort(padding.to(torch.int8), dim=1, stable=True).indices)
