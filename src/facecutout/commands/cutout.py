"""``facecutout cutout``: apply Face-Cutout to one image file."""

from __future__ import annotations

import argparse
import json


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "cutout",
        help="apply Face-Cutout to one image",
        description="Cut a landmark-guided face region out of IMAGE and write the result.",
    )
    parser.add_argument("image", help="input image file")
    parser.add_argument(
        "--landmarks", required=True, help=".npy of (N, 2) (x, y) points (N = 5, 68, 81, 98, 106, 468, 478)"
    )
    parser.add_argument("--diff", help="the fake's grey SSIM diff or mask PNG (the manipulated region)")
    parser.add_argument("--out", required=True, help="output image file")
    parser.add_argument("--region-out", help="also write the cut region as a black/white PNG")
    parser.add_argument("--variant", default="random", choices=["random", "sensory", "convex_hull"])
    parser.add_argument(
        "--threshold", type=float, default=0.3, help="max share of the manipulated region hidden"
    )
    parser.add_argument("--fill", default="0", help="a number, R,G,B, random, random_uniform, inpaint_telea")
    parser.add_argument("--seed", type=int, default=None)
    parser.set_defaults(func=run)


def parse_fill(text: str) -> float | tuple[float, ...] | str:
    """A CLI fill: "random"-like names as is, "0" as a number, "255,0,0" per channel."""
    if text[:1].isalpha():
        return text
    values = tuple(float(part) for part in text.split(","))
    return values[0] if len(values) == 1 else values


def run(args: argparse.Namespace) -> int:
    import numpy as np

    from facecutout.cutout import face_cutout
    from facecutout.errors import DataError
    from facecutout.fileio import read_grey, read_rgb, write_image

    image = read_rgb(args.image)
    try:
        landmarks = np.load(args.landmarks)
    except (OSError, ValueError) as error:
        raise DataError(f"cannot read landmarks {args.landmarks}: {error}") from None
    diff = read_grey(args.diff) if args.diff else None
    try:
        fill = parse_fill(args.fill)
    except ValueError:
        raise DataError(f"--fill must be a number, R,G,B or a fill mode name, got {args.fill!r}") from None
    output, region = face_cutout(
        image,
        landmarks,
        diff,
        variant=args.variant,
        threshold=args.threshold,
        fill=fill,
        seed=args.seed,
        return_region=True,
    )
    write_image(args.out, output)
    if args.region_out:
        write_image(args.region_out, region.astype(np.uint8) * 255, rgb=False)
    print(json.dumps({"out": args.out, "cut_pixels": int(region.sum())}))
    return 0
