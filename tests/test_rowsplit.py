from corpus.rowsplit import no_constraint, review_fits, row_total_fits, unique_split


def test_single_digit_cells_split_one_way():
    assert unique_split(["6000017"], 7, row_total_fits) == [6, 0, 0, 0, 0, 1, 7]


def test_spaces_fix_boundaries_and_total_picks_the_split():
    # 平潭 2020 (txt/003): "（七）总计20 0 00 0 121"
    assert unique_split(["20", "0", "00", "0", "121"], 7, row_total_fits) == [20, 0, 0, 0, 0, 1, 21]


def test_ambiguous_row_is_refused():
    # "7777166" as 规范性文件's three cells: 7|7|77166, 77|7|7166 … no arithmetic decides.
    assert unique_split(["7777166"], 3, no_constraint) is None


def test_row_that_fits_no_split_is_refused():
    assert unique_split(["00000005"], 7, row_total_fits) is None


def test_review_line_of_fifteen_cells_uses_three_row_sums():
    # 平潭 2024 (txt/007): "21317000001324019"
    assert unique_split(["21317000001324019"], 15, review_fits) == [2, 1, 3, 1, 7, 0, 0, 0, 0, 0, 13, 2, 4, 0, 19]


def test_non_digit_tokens_are_never_split():
    assert unique_split(["12.5", "3"], 3, no_constraint) is None


def test_an_ambiguous_run_together_row_is_split_by_its_columns_totals():
    """平潭 2021 予以公开 「270020130」: two splits add up; only one fits the 总计 row's columns (商业企业 0)."""
    from pathlib import Path

    from corpus import read_report

    root = Path(__file__).resolve().parent.parent / "corpus" / "reports"
    report = read_report(root / "txt/004_pingtan_zonghe_shiyanqu_2021.txt", root=root)
    row = [report.cell("申请", "予以公开", c).value for c in ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")]
    assert row == [27, 0, 0, 2, 0, 1, 30]
    assert [report.cell("申请", "无法提供/本机关不掌握相关政府信息", c).value for c in ("自然人", "商业企业", "总计")] == [22, 0, 25]
    assert not any(w.startswith("申请 · 予以公开:") for w in report.warnings)
