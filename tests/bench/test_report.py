"""bench/report.py: the table bench/run prints, from wrk's result lines."""

from bench.report import main, rows


def _line(name, round_, requests, *, non2xx=0, seconds=10):
    return (
        f"{name}\t{round_}\tBENCH_RESULT requests={requests} duration_us={seconds * 1_000_000} "
        f"bytes={requests * 100} p50_us=2000 p99_us=9000 non2xx={non2xx} socket_errors=0 "
        f"statuses={'302' if non2xx else '-'}\n"
    )


def test_each_target_is_a_ratio_to_the_floor_of_the_same_run(tmp_path):
    results = tmp_path / "results.tsv"
    results.write_text(
        _line("floor", 1, 1000)
        + _line("lesson", 1, 600)
        + _line("floor", 2, 3000)
        + _line("lesson", 2, 1200)
    )
    floor, lesson = rows(results)
    assert floor["ratio"] == 1
    assert lesson["rps"] == 90  # 1,800 requests in 20 seconds
    assert lesson["ratio"] == 0.45  # 90 / 200
    assert lesson["ratio_range"] == (0.4, 0.6)
    assert lesson["p50"] == 2.0


def test_a_reply_that_is_not_2xx_fails_the_run(tmp_path, capsys):
    results = tmp_path / "results.tsv"
    results.write_text(_line("floor", 1, 1000) + _line("lesson", 1, 600, non2xx=3))
    assert main(results, tmp_path / "latest.md") == 1
    assert "lesson: 3 replies not 2xx (statuses 302)" in capsys.readouterr().err
    assert "| lesson | 60 |" in (tmp_path / "latest.md").read_text()


def test_a_clean_run_passes(tmp_path):
    results = tmp_path / "results.tsv"
    results.write_text(_line("floor", 1, 1000) + _line("lesson", 1, 600))
    assert main(results, tmp_path / "latest.md") == 0
