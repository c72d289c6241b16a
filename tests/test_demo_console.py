"""The demo's console: warnings once each after the run, the report's path as the last line."""

from __future__ import annotations

import warnings

from facecutout.cli import main
from facecutout.demo.pipeline import DemoResult


def test_each_warning_is_printed_once_and_the_report_path_comes_last(tmp_path, monkeypatch, capsys):
    report = tmp_path / "report.md"
    seen = {}

    def noisy_demo(settings):
        seen["settings"] = settings
        for _ in range(3):
            warnings.warn("the same thing again", FutureWarning, stacklevel=1)
        warnings.warn("something else", UserWarning, stacklevel=1)
        report.write_text("# report\n")
        return DemoResult(report)

    monkeypatch.setattr("facecutout.demo.pipeline.run_demo", noisy_demo)
    assert main(["demo", "--out", str(tmp_path), "--epochs", "2", "--seeds", "3"]) == 0
    captured = capsys.readouterr()
    assert captured.err.count("the same thing again") == 1
    assert "warning (3 times): FutureWarning: the same thing again" in captured.err
    assert "warning: UserWarning: something else" in captured.err
    assert captured.out.strip().splitlines()[-1] == f"report: {report.resolve()}"
    assert seen["settings"].epochs == 2 and seen["settings"].seeds == (3,)
