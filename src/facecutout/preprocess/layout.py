"""Where preprocessing writes: the paper's layout plus per-video state.

```
OUT/<dataset>.csv                                  the merged CSV (folds stage)
OUT/<dataset>_report.json                          counts and skips of every stage
OUT/<dataset>/face_crops/<video>/<frame>_<person>.png
OUT/<dataset>/diffs/<fake>/<frame>_<person>_diff.png
OUT/<dataset>/original_landmarks/<original>/<frame>_<person>.npy      5 points (mtcnn), int16
OUT/<dataset>/original_landmarks_68/<original>/<frame>_<person>.npy   68 points (dlib68), int16
OUT/<dataset>/embeddings/<original>.npy             dlib face embeddings (folds stage)
OUT/<dataset>/.markers/<stage>/<video>.json         per-stage results, written last (the faces
                                                    markers hold each original's boxes)
```
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from facecutout.preprocess.config import LANDMARK_FOLDERS


@dataclass(frozen=True)
class OutputLayout:
    out: Path
    dataset: str

    @property
    def root(self) -> Path:
        return self.out / self.dataset

    @property
    def csv(self) -> Path:
        return self.out / f"{self.dataset}.csv"

    @property
    def report(self) -> Path:
        return self.out / f"{self.dataset}_report.json"

    def crop(self, video: str, frame: int, person: int) -> Path:
        return self.root / "face_crops" / video / f"{frame}_{person}.png"

    def diff(self, video: str, frame: int, person: int) -> Path:
        return self.root / "diffs" / video / f"{frame}_{person}_diff.png"

    def landmarks(self, backend: str, video: str, frame: int, person: int) -> Path:
        return self.root / LANDMARK_FOLDERS[backend] / video / f"{frame}_{person}.npy"

    def embeddings(self, video: str) -> Path:
        return self.root / "embeddings" / f"{video}.npy"

    def marker(self, stage: str, video: str) -> Path:
        return self.root / ".markers" / stage / f"{video}.json"

    def video_folders(self, video: str) -> list[Path]:
        """Folders holding only this video's files."""
        folders = [self.root / "face_crops" / video, self.root / "diffs" / video]
        return folders + [self.root / folder / video for folder in LANDMARK_FOLDERS.values()]
