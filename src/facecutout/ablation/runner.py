"""Run the ablation: train each method x seed with the same folds and budget, evaluate, keep results.

Each run lives in ``OUT/runs/<method>/seed<k>/``; its ``result.json`` is written last, atomically,
so a finished run is never retrained, and an interrupted one resumes from its last checkpoint.
"""

from __future__ import annotations

import json
import logging
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError

from facecutout.ablation.config import VALIDATION, AblationConfig
from facecutout.errors import DataError
from facecutout.fileio import atomic_write_bytes
from facecutout.model.metrics import EvaluationReport
from facecutout.schema import ReportModel

logger = logging.getLogger(__name__)

RESULT_FILE = "result.json"


class RunResult(ReportModel):
    """One finished run, as its result.json holds it: its metrics per evaluation set and where its
    training log and per-image scores are, relative to the run ``folder`` (not written)."""

    method: str
    seed: int
    checkpoint: str
    metrics: dict[str, EvaluationReport]
    train_log: str | None
    scores: dict[str, str]
    folder: Path = Field(Path(), exclude=True)

    @classmethod
    def read(cls, folder: Path) -> RunResult:
        path = folder / RESULT_FILE
        try:
            result = cls.model_validate_json(path.read_bytes())
        except (OSError, ValidationError) as error:
            raise DataError(f"cannot read the run result {path}: {error}") from None
        return result.model_copy(update={"folder": folder})

    @property
    def train_log_path(self) -> Path | None:
        return self.folder / self.train_log if self.train_log else None

    def scores_path(self, evaluation: str) -> Path:
        """The per-image scores (per_image.csv) of one evaluation set."""
        return self.folder / self.scores[evaluation]


def run_folder(config: AblationConfig, method: str, seed: int) -> Path:
    return config.out / "runs" / method / f"seed{seed}"


def run_train_config(config: AblationConfig, method: str, seed: int) -> dict[str, Any]:
    """The training config of one run: the shared one with this method, seed and output folder."""
    values = config.train.to_dict()
    values["data"]["augmentation"] = method
    folder = str(run_folder(config, method, seed) / "train")
    values.update(seed=seed, out_dir=folder, resume="auto", best_checkpoint=None)
    return values


def check_same_config(folder: Path, wanted: dict[str, Any]) -> None:
    """A run folder may only be resumed with the config it was started with."""
    stored = folder / "train_config.json"
    text = json.dumps(wanted, indent=2, sort_keys=True)
    if stored.is_file() and json.loads(stored.read_text()) != json.loads(text):
        raise DataError(
            f"{folder} holds a run with other training settings than the config asks for; "
            "use another 'out' folder or delete that run folder"
        )
    atomic_write_bytes(stored, text.encode())


def train_and_evaluate(config: AblationConfig, method: str, seed: int) -> RunResult:
    """Train one run (resuming if it was interrupted), evaluate it everywhere, write result.json."""
    from facecutout.evaluation.evaluate import evaluate
    from facecutout.model.config import TrainConfig
    from facecutout.train.run import train

    folder = run_folder(config, method, seed)
    settings = run_train_config(config, method, seed)
    check_same_config(folder, settings)
    train_config = TrainConfig.from_dict(settings)
    trained = train(train_config)
    targets = [(VALIDATION, train_config.data.root, train_config.data.csvs, train_config.data.val_fold)]
    targets += [(item.name, item.root, list(item.csvs), item.fold) for item in config.test_sets]
    metrics, scores = {}, {}
    for name, root, csvs, fold in targets:
        evaluation = folder / "eval" / name
        metrics[name] = evaluate(
            trained.best_copy,
            out_dir=evaluation,
            data_root=root,
            csvs=csvs,
            fold=fold,
            batch_size=train_config.data.batch_size,
            num_workers=train_config.data.num_workers,
            title=f"{method}, seed {seed}, {name} set",
            progress=train_config.trainer.progress_bar,
        )
        scores[name] = (evaluation / "per_image.csv").relative_to(folder).as_posix()
    train_log = Path(trained.log_dir) / "metrics.csv"
    result = RunResult(
        method=method,
        seed=seed,
        checkpoint=str(trained.best_copy),
        metrics=metrics,
        train_log=train_log.relative_to(folder).as_posix() if train_log.is_file() else None,
        scores=scores,
        folder=folder,
    )
    atomic_write_bytes(folder / RESULT_FILE, result.to_json())
    return result


def worker_setup(threads: int) -> None:
    """A run process: ``threads`` torch threads, Lightning's INFO lines off (set after its import,
    which sets them to INFO)."""
    import lightning.pytorch  # noqa: F401
    import torch

    torch.set_num_threads(threads)
    for name in ("lightning.pytorch", "lightning.fabric"):
        logging.getLogger(name).setLevel(logging.WARNING)


def recorded_run(
    run_one: Callable[[AblationConfig, str, int], RunResult], config: AblationConfig, method: str, seed: int
) -> tuple[RunResult, list[tuple[type[Warning], str]]]:
    """One run in a run process, with the warnings it raised (to raise again in the parent)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = run_one(config, method, seed)
    return result, [(item.category, str(item.message)) for item in caught]


def run_in_processes(
    config: AblationConfig,
    run_one: Callable[[AblationConfig, str, int], RunResult],
    plan: list[tuple[str, int]],
    processes: int,
    threads: int,
    done: Callable[[str, int, RunResult], None],
) -> None:
    """Run ``plan`` in ``processes`` fresh processes of ``threads`` torch threads each; ``done`` is
    called (in this process) as each run finishes; the first failure cancels the runs not started."""
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        processes, mp_context=context, initializer=worker_setup, initargs=(threads,)
    ) as pool:
        futures = {
            pool.submit(recorded_run, run_one, config, method, seed): (method, seed) for method, seed in plan
        }
        pending = set(futures)
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                if future.exception() is not None:
                    pool.shutdown(cancel_futures=True)
                    raise future.exception()
                result, caught = future.result()
                for category, message in caught:
                    warnings.warn(message, category, stacklevel=1)
                done(*futures[future], result)


def run_ablation(
    config: AblationConfig,
    run_one: Callable[[AblationConfig, str, int], RunResult] = train_and_evaluate,
    on_run: Callable[[str], None] | None = None,
    processes: int = 1,
    threads: int = 1,
) -> list[RunResult]:
    """Every method x seed, finished runs read back instead of retrained; a progress bar over runs,
    or, with ``on_run``, no bar: ``on_run("<method> seed <k>")`` after each run, for a caller's own
    progress display. With ``processes`` > 1 the runs to train go to that many fresh processes of
    ``threads`` torch threads each (on a CPU, two one-thread runs use two cores better than one run
    on two threads); results come back in plan order either way."""
    from tqdm import tqdm

    plan = [(method, seed) for method in config.methods for seed in config.seeds]
    results: dict[tuple[str, int], RunResult] = {}
    with tqdm(total=len(plan), desc="ablation runs", unit="run", disable=on_run is not None) as bar:

        def done(method: str, seed: int, result: RunResult) -> None:
            results[(method, seed)] = result
            bar.set_postfix_str(f"{method} seed {seed}")
            bar.update(1)
            if on_run is not None:
                on_run(f"{method} seed {seed}")

        todo = []
        for method, seed in plan:
            folder = run_folder(config, method, seed)
            if (folder / RESULT_FILE).is_file():
                check_same_config(folder, run_train_config(config, method, seed))
                logger.info("%s seed %d: finished earlier, reading %s", method, seed, folder / RESULT_FILE)
                done(method, seed, RunResult.read(folder))
            else:
                todo.append((method, seed))
        if processes > 1 and len(todo) > 1:
            run_in_processes(config, run_one, todo, min(processes, len(todo)), threads, done)
        else:
            for method, seed in todo:
                done(method, seed, run_one(config, method, seed))
    return [results[key] for key in plan]
