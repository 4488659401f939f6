from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import bench_scale  # noqa: E402
from corpus import read_report  # noqa: E402


def test_generated_reports_keep_every_rule_and_scale_every_figure(tmp_path: Path) -> None:
    made = bench_scale.generate(12, tmp_path)
    assert len({(m["agency"], m["year"]) for m in made}) == 12  # distinct agencies and years
    assert bench_scale.check_sample(tmp_path, made, size=12) == 12
    item = next(m for m in made if m["source"] == "010_huaian_hongze_district_gov_2024.txt")
    report = read_report(tmp_path / item["file"], root=tmp_path)
    # 淮安市洪泽区人民政府 2024: 95 new requests, 7 常务会议 in the prose
    assert report.cell("申请", "本年新收政府信息公开申请数量", "总计").value == 95 * item["factor"]
    assert f"公开政府常务会议 {7 * item['factor']}" in report.text.replace("\n", "")
    assert report.agency == item["agency"] and report.agency.startswith("淮安市") and "洪泽" not in report.text


def test_a_report_whose_figures_were_not_scaled_fails_the_sample_check(tmp_path: Path) -> None:
    made = bench_scale.generate(3, tmp_path)
    item = next(m for m in made if m["factor"] != 1)
    path = tmp_path / item["file"]
    path.write_text(path.read_text(encoding="utf-8").replace(item["agency"], "某某区人民政府"), encoding="utf-8")
    with pytest.raises(AssertionError, match="read as"):
        bench_scale.check_sample(tmp_path, [item], size=1)


def test_the_benchmark_runs_at_a_small_n_with_the_fake_embedder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert bench_scale.main(["--n", "20", "--fake", "--plain-sample", "5", "--workdir", str(tmp_path), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    ours, serve = result["ours"], result["serve"]
    assert ours["reports"] == 20 and ours["reindex_unchanged"] == 20 and ours["add_one"] == 1
    assert ours["embedded"] == ours["text_chunks"] < ours["chunks"]
    assert result["plain"]["extrapolated"] and result["plain"]["sample"] == 5
    years = len({m["year"] for m in bench_scale.generate(20, tmp_path / "again")})
    assert serve["routes"]["table"] == {"table": 30} and serve["routes"]["aggregate"] == {"table": 3 * years + 5}
    assert serve["open_s"] > 0 and serve["peak_rss_mib"] > 0 and ours["disk_bytes"] > 0


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="VmHWM is Linux's")
def test_the_serving_process_reports_its_own_peak_memory_not_its_parents() -> None:
    """Linux keeps a parent's ru_maxrss across fork and exec: the builder's 4 GiB once read as the server's."""
    import subprocess

    child = "import sys; sys.path.insert(0, sys.argv[1]); from bench.bench_scale import peak_rss_mib; print(peak_rss_mib())"
    parent = (
        "import subprocess, sys; ballast = bytearray(600 << 20); ballast[::4096] = b'x' * len(ballast[::4096]); "
        f"subprocess.run([sys.executable, '-c', {child!r}, sys.argv[1]], check=True)"
    )
    done = subprocess.run([sys.executable, "-c", parent, str(ROOT)], capture_output=True, text=True, check=True)
    assert 0 < float(done.stdout.strip()) < 300  # the child's own (imports only), not the parent's 600 MiB
