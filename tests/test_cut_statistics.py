"""Cut statistics: what each call records, and the counts and quantiles per variant and part."""

from __future__ import annotations

import math

import albumentations as A
import numpy as np
import pytest
import torch
from face_shapes import face_5, face_68

import facecutout
from facecutout.batched import batch_face_cutout
from facecutout.batched.candidates import draw_seeds
from facecutout.cutout.candidates import face_area
from facecutout.cutout.statistics import (
    QUANTILES,
    CutRecord,
    CutStatistics,
    markdown_table,
    rows_from_metrics,
)


def test_rows_count_calls_cuts_and_empty_results_and_give_quantiles():
    statistics = CutStatistics()
    faces = [0.1, 0.2, 0.3, 0.4]
    for face in faces:
        statistics.record(CutRecord("random", "run", face, face / 2))
    statistics.record(CutRecord("random", "eyes", 0.5, math.nan))
    statistics.record(CutRecord("random", None))
    statistics.record(CutRecord("sensory", "nose", 0.25))
    rows = {(row.variant, row.part): row for row in statistics.rows()}
    total = rows["random", "all"]
    assert (total.calls, total.cuts, total.empty) == (6, 5, 1)
    assert total.face_share == pytest.approx(tuple(np.quantile(faces + [0.5], QUANTILES)))
    assert total.hidden_share == pytest.approx(tuple(np.quantile([face / 2 for face in faces], QUANTILES)))
    assert rows["random", "run"].cuts == 4 and rows["random", "eyes"].cuts == 1
    assert all(math.isnan(value) for value in rows["random", "eyes"].hidden_share)
    assert (rows["sensory", "all"].calls, rows["sensory", "all"].empty) == (1, 0)
    assert statistics.calls == 7


def test_merging_adds_the_records_of_another_gatherer():
    first, second, both = CutStatistics(), CutStatistics(), CutStatistics()
    records = [CutRecord("random", part, share) for part, share in [("run", 0.3), (None, math.nan)]]
    records += [CutRecord("random", "half", 0.5), CutRecord("sensory", "eyes", 0.2)]
    first.update(records[:2])
    second.update(records[2:])
    both.update(records)
    first.merge(second)
    assert first.markdown() == both.markdown()
    first.reset()
    assert first.calls == 0 and first.rows() == []


def test_logged_metrics_give_the_same_table_back():
    statistics = CutStatistics()
    rng = np.random.default_rng(0)
    for part in ["run", "run", "subset", None, "eyes", "mouth"]:
        statistics.record(CutRecord("random", part, rng.random(), rng.random() if part else math.nan))
    metrics = statistics.metrics()
    assert metrics["cutout/random/all/calls"] == 6 and metrics["cutout/random/run/cuts"] == 2
    assert markdown_table(rows_from_metrics(metrics)) == statistics.markdown()


@pytest.mark.parametrize(("count", "variant"), [(5, "sensory"), (68, "convex_hull"), (68, "random")])
def test_face_cutout_records_what_it_cut(count, variant):
    """The record's shares are those of the returned region, measured here independently."""
    image = np.zeros((160, 160, 3), np.uint8)
    landmarks = (face_5 if count == 5 else face_68)(80, 80, 110)
    diff = np.zeros((160, 160), bool)
    diff[60:120, 40:120] = True
    statistics = CutStatistics()
    for seed in range(20):
        _, region = facecutout.face_cutout(
            image, landmarks, diff, variant=variant, seed=seed, return_region=True, statistics=statistics
        )
        rows = {row.part: row for row in statistics.rows()}
        assert rows["all"].calls == seed + 1
    records = []
    for seed in range(20):
        _, region = facecutout.face_cutout(
            image, landmarks, diff, variant=variant, seed=seed, return_region=True
        )
        records.append((region.sum() / face_area(landmarks), (region & diff).sum() / diff.sum()))
    faces, hidden = np.array(records).T
    total = next(row for row in statistics.rows() if row.part == "all")
    assert total.cuts == (faces > 0).sum() and total.empty == 20 - total.cuts
    assert total.face_share == pytest.approx(tuple(np.quantile(faces[faces > 0], QUANTILES)))
    assert total.hidden_share == pytest.approx(tuple(np.quantile(hidden[faces > 0], QUANTILES)))
    assert max(total.hidden_share) <= 0.3


def test_the_transform_gathers_a_record_per_call_with_landmarks():
    image = np.zeros((120, 120, 3), np.uint8)
    transform = A.Compose(
        [facecutout.FaceCutout(variant="convex_hull", p=1.0)],
        keypoint_params=A.KeypointParams(format="xy", remove_invisible=False),
        seed=0,
    )
    for _ in range(7):
        transform(image=image, keypoints=face_68(60, 60, 80))
    cutout = transform.transforms[0]
    (total, *parts) = cutout.statistics.rows()
    assert (total.variant, total.calls, total.cuts) == ("convex_hull", 7, 7)
    assert {row.part for row in parts} <= {"run", "subset", "half"}
    assert sum(row.cuts for row in parts) == 7


def test_the_batched_version_records_what_the_per_image_one_records():
    rng = np.random.default_rng(3)
    images = torch.zeros((6, 3, 96, 96), dtype=torch.uint8)
    landmarks = np.stack(
        [face_68(rng.uniform(40, 56), rng.uniform(40, 56), rng.uniform(50, 70)) for _ in range(6)]
    )
    masks = torch.zeros((6, 96, 96), dtype=torch.bool)
    masks[:3, 40:70, 30:70] = True  # three fakes, three reals
    batched, per_image = CutStatistics(), CutStatistics()
    generator = torch.Generator().manual_seed(9)
    seeds = draw_seeds(6, torch.Generator().manual_seed(9), images.device)
    batch_face_cutout(
        images, torch.from_numpy(landmarks), masks, generator=generator, statistics=batched, backend="loop"
    )
    for index, seed in enumerate(seeds):
        facecutout.face_cutout(
            images[index].permute(1, 2, 0).numpy(),
            landmarks[index],
            masks[index].numpy(),
            seed=np.random.default_rng(seed),
            statistics=per_image,
        )
    assert batched.markdown() == per_image.markdown()
