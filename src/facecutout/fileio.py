"""Image, array and file helpers shared across the package: RGB reads and atomic writes."""

from __future__ import annotations

import io
import os
import secrets
import shutil
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import cv2
import numpy as np

from facecutout.errors import DataError

IMAGE_SUFFIXES = frozenset({".bmp", ".jpeg", ".jpg", ".png", ".tif", ".tiff", ".webp"})
"""The image files the package reads as inputs (lower case; compare ``path.suffix.lower()``)."""


def collect_files(
    inputs: Sequence[str | os.PathLike], kinds: Mapping[str, Collection[str]], noun: str
) -> list[tuple[Path, str]]:
    """``(path, kind)`` of every input file, its kind found by its suffix in ``kinds`` (kind ->
    lower-case suffixes); a folder contributes its files of those kinds, sorted. A missing input,
    a file of no kind or no file at all is a DataError naming the input as a ``noun``."""

    def kind_of(path: Path) -> str | None:
        return next((kind for kind, suffixes in kinds.items() if path.suffix.lower() in suffixes), None)

    found: list[tuple[Path, str]] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found.extend((child, kind) for child in sorted(path.iterdir()) if (kind := kind_of(child)))
            continue
        if not path.is_file():
            raise DataError(f"{noun} {path} does not exist")
        kind = kind_of(path)
        if kind is None:
            expected = ", ".join(f"{name}s: {sorted(suffixes)}" for name, suffixes in kinds.items())
            raise DataError(f"{noun} {path}: unknown file type {path.suffix!r}; {expected}")
        found.append((path, kind))
    if not found:
        raise DataError(f"no {' or '.join(kinds)} among the inputs {[str(item) for item in inputs]}")
    return found


def require_file(path: str | os.PathLike) -> Path:
    """Return ``path`` as a Path, or raise DataError naming it when it is not a file."""
    file = Path(path)
    if not file.is_file():
        raise DataError(f"no such file: {file}")
    return file


def read_rgb(path: str | os.PathLike) -> np.ndarray:
    """Read an image file as RGB uint8 (H, W, 3); grey, RGBA and 16-bit files are converted."""
    require_file(path)
    image = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
    if image is None:
        raise DataError(f"cannot read image {path}: missing, unreadable or not an image")
    if image.dtype == np.uint16:
        image = (image >> 8).astype(np.uint8)
    elif image.dtype != np.uint8:
        raise DataError(f"image {path} has unsupported dtype {image.dtype}")
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2RGB)
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2RGB)
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB)


def read_grey(path: str | os.PathLike) -> np.ndarray:
    """Read an image file as grey uint8 (H, W)."""
    require_file(path)
    image = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
    if image is None:
        raise DataError(f"cannot read image {path}: missing, unreadable or not an image")
    return image


def _temporary_beside(target: Path) -> Path:
    """Create an empty, new temporary file ``.<name>.<random>.tmp`` beside ``target``.

    It is opened with mode 0666 so the process's umask decides its permissions, as for any file the
    user writes (``tempfile.mkstemp`` would make it 0600, and the rename would keep that).
    """
    for _ in range(100):
        temporary = target.parent / f".{target.name}.{secrets.token_hex(4)}.tmp"
        try:
            os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            continue
        return temporary
    raise OSError(f"no free temporary name beside {target}")


@contextmanager
def atomic_target(path: str | os.PathLike) -> Iterator[Path]:
    """A temporary file beside ``path`` to fill; renamed onto ``path`` when the block ends without
    an error, removed when it fails, so no half file is ever seen at ``path``. The file gets the
    permissions the umask gives new files. A folder that cannot be written is a DataError naming
    ``path``."""
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = _temporary_beside(target)
    except OSError as error:
        raise DataError(f"cannot write {target}: {_why(error, target.parent)}") from None
    try:
        yield temporary
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _why(error: OSError, folder: Path) -> str:
    """Why a folder could not be created or written in, in words."""
    if isinstance(error, (FileExistsError, NotADirectoryError)):
        return f"{folder} or one of its parents is a file, not a folder"
    return error.strerror or str(error)


def require_writable_folder(path: str | os.PathLike, what: str = "output folder") -> Path:
    """Create the folder ``path`` if needed and check that files can be written in it (a temporary
    is created and removed); DataError naming ``what`` and the folder otherwise."""
    folder = Path(path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _temporary_beside(folder / "write-check").unlink()
    except OSError as error:
        raise DataError(f"{what} {folder} is not writable: {_why(error, folder)}") from None
    return folder


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_target`)."""
    with atomic_target(path) as temporary:
        temporary.write_bytes(data)


def atomic_copy(source: str | os.PathLike, target: str | os.PathLike) -> None:
    """Copy the file ``source`` to ``target`` atomically (see :func:`atomic_target`)."""
    with atomic_target(target) as temporary:
        shutil.copyfile(source, temporary)


def write_image(path: str | os.PathLike, image: np.ndarray, rgb: bool = True) -> None:
    """Atomically write an RGB (or grey) uint8 image; the format follows the file suffix."""
    suffix = Path(path).suffix or ".png"
    pixels = cv2.cvtColor(image, cv2.COLOR_RGB2BGR) if rgb and image.ndim == 3 else image
    ok, encoded = cv2.imencode(suffix, pixels)
    if not ok:
        raise DataError(f"cannot encode image for {path}")
    atomic_write_bytes(path, encoded.tobytes())


def write_npy(path: str | os.PathLike, array: np.ndarray) -> None:
    """Atomically write a .npy array."""
    buffer = io.BytesIO()
    np.save(buffer, array)
    atomic_write_bytes(path, buffer.getvalue())


def read_yaml_mapping(path: str | os.PathLike, what: str) -> dict:
    """The mapping a YAML file holds ({} for an empty file); DataError naming ``what`` and the file."""
    import yaml

    try:
        values = yaml.safe_load(Path(path).read_text())
    except (OSError, yaml.YAMLError) as error:
        raise DataError(f"cannot read {what} {path}: {error}") from None
    if values is not None and not isinstance(values, dict):
        raise DataError(f"{what} {path} must be a mapping, got {type(values).__name__}")
    return values or {}
