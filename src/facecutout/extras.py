"""The optional packages of facecutout: which extra installs each, and the error when one is missing.

The augmentation needs numpy, OpenCV and albumentations alone. Landmark detection and the training
pipeline import their packages when they are used; a missing one is a
:class:`~facecutout.errors.MissingDependencyError` that names the command installing it.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from facecutout.errors import MissingDependencyError

REQUIREMENTS: dict[str, tuple[str, str, str]] = {
    # import name: (distribution, version specifier as pyproject.toml's extra states them, the extra)
    "dlib": ("dlib-bin", ">=19.24", "landmarks"),
    "face_recognition_models": ("face-recognition-models", ">=0.3", "landmarks"),
    "facenet_pytorch": ("facenet-pytorch", "==2.5.3", "landmarks"),
    "torch": ("torch", ">=2.4", "landmarks"),
    "torchvision": ("torchvision", ">=0.19", "landmarks"),
    "tqdm": ("tqdm", ">=4.66", "landmarks"),
    "timm": ("timm", ">=1.0,<2", "train"),
    "lightning": ("lightning", ">=2.6,<2.7", "train"),
    "tensorboard": ("tensorboard", ">=2.16", "train"),
    "skimage": ("scikit-image", ">=0.22", "train"),
    "sklearn": ("scikit-learn", ">=1.4", "train"),
    "pandas": ("pandas", ">=2.1", "train"),
    "matplotlib": ("matplotlib", ">=3.8", "train"),
    "yaml": ("pyyaml", ">=6", "train"),
    "pydantic": ("pydantic", ">=2", "train"),
    "pytorch_grad_cam": ("grad-cam", ">=1.5.7,<2", "train"),
}
"""Every optional package facecutout imports, by its import name."""


def not_installed(name: str, needed_for: str, extra: str | None = None) -> MissingDependencyError:
    """The error for the optional package imported as ``name`` (a key of REQUIREMENTS) being absent.

    With ``extra`` (what ``needed_for`` needs as a whole, e.g. "train"), the command installs that
    extra; without, the package alone, pinned as the extras pin it.
    """
    distribution, specifier, own_extra = REQUIREMENTS[name]
    missing = f"{needed_for} needs the package {distribution!r}, which is not installed"
    if extra is not None:
        return MissingDependencyError(
            f"{missing}: install the {extra!r} extra: pip install 'facecutout[{extra}]' "
            f"(from a clone: pip install '.[{extra}]')",
            name=name,
        )
    return MissingDependencyError(
        f"{missing}: pip install '{distribution}{specifier}' (or all that the {own_extra!r} extra "
        f"holds: pip install 'facecutout[{own_extra}]', from a clone: pip install '.[{own_extra}]')",
        name=name,
    )


def missing_dependency(
    error: ImportError, needed_for: str, extra: str | None = None
) -> MissingDependencyError | None:
    """The error to raise instead of ``error`` when it is a missing optional package, else None."""
    if not isinstance(error, ModuleNotFoundError) or not error.name:
        return None
    name = error.name.partition(".")[0]
    return not_installed(name, needed_for, extra) if name in REQUIREMENTS else None


def require(module: str, needed_for: str) -> ModuleType:
    """Import ``module``; when an optional package is missing, a MissingDependencyError that says
    what ``needed_for`` (e.g. "the dlib68 backend") lacks and how to install it."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as error:
        replacement = missing_dependency(error, needed_for)
        if replacement is None:
            raise
        raise replacement from error
