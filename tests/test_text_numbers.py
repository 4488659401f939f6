"""The text route reads a number exactly: thousands separators, decimals, negative signs, with its unit.

Sentences from ../shared/reports/annual/sifang_tech_2019_annual_report.pdf (pdftotext -layout, pages 2 and 43):
「营业收入」 asked of the first used to be answered 「37」 — 37,131.82 read as 37.
"""

from __future__ import annotations

import pytest

from qa.clause import Sentence, figure

AUDIT = "技公司财务报表所示营业收入项目金额为 117,530.10 万元，其中冷冻设备销售收入为 37,131.82 万元"
SUMMARY = "报告期内，公司实现营业收入 117,530.10 万元，较去年同期减少 4.49%，实现归属上市公司股东的净利润 -1,234.56 万元"


@pytest.mark.parametrize(("sentence", "words", "question", "value", "unit"), [
    (AUDIT, ["营业收入"], "四方科技2019年营业收入是多少？", 117530.10, "万元"),
    (AUDIT, ["冷冻设备", "销售收入"], "冷冻设备销售收入是多少？", 37131.82, "万元"),
    (SUMMARY, ["营业收入"], "营业收入多少？", 117530.10, "万元"),
    (SUMMARY, ["净利润"], "净利润是多少？", -1234.56, "万元"),
    ("全年收取政府信息公开信息处理费 3940 元。", ["信息处理费"], "收了多少信息处理费？", 3940, "元"),
    ("公众号粉丝数达20.4万", ["粉丝"], "粉丝数达到了多少？", 204000, "万"),
    # the extraction tools print an ASCII comma as punctuation too: 「年,」 before a number is not a separator
    ("2024 年,主动公开政府信息,1,234 条", ["主动公开"], "主动公开了多少条？", 1234, "条"),
])
def test_a_number_is_read_whole_with_its_unit(sentence, words, question, value, unit):
    found = figure(Sentence("r", sentence, 0, len(sentence)), words, question)
    assert found is not None and found[:2] == (pytest.approx(value), unit)


def test_a_growth_rate_beside_the_level_is_not_the_level():
    found = figure(Sentence("r", SUMMARY, 0, len(SUMMARY)), ["营业收入"], "营业收入多少？")
    assert found is not None and found[0] != 4.49


# Sentences as printed in the bundled reports (../shared/reports/txt/000, 001, 011; budget/ and statistics/ PDFs).
JUSTICE_APPROVALS = ("负责的律师类行政审批11687件(其中律师类10582件,律所类1039件,外国所66件),公证类行政审批37件,"
                     "司法鉴定类行政审批452件,中心共接待群众29829人次。")
JUSTICE_TOPICS = ("从申请信息内容看,29.67% 涉及司法鉴定机构及司法鉴定人资质信息,14.41% 涉及律师事务所及律师信息,"
                  "11.02% 涉及行政复议信息,8.47% 涉及公证处及公证员信息,其余涉及仲裁、公共法律服务等方面事项。")
HUAIAN_REVIEWS = "政府信息公开行政复议 351 件,其中结果维持 72 件,结果纠正 64 件,其他结果 178 件,尚未审结 37 件;"
RATINGS = ("政务服务“好差评”系统于10月29日正式上线运行,从评价结果看,差评数占评价量总数的0.34%,"
           "好评数占评价总数99.58%。")
NEW_MEDIA = "截至目前,全市在运维政务新媒体共计 95 个,在省办 2024 年四个季度政务新媒体检查抽查中,合格率均为 100%。"
ONE_NET = "局系统内 18 类行政审批事项全面接入“一网通办”平台,256 项服务事项纳入“一网通办”,法律援助和公证类共计 250 个事项实现全市通办。"
ZERO_TRIPS = "均提供“全程网办”能力,“零跑动”事项比例由原先的 0%提升到 90%。"
PURCHASES = ("上海市普陀区财政局2024年度政府采购金额(以合同签订为准)为251.25万元,其中:货物采购金额4.79万元、"
             "工程采购金额0万元、服务采购金额246.47万元。")
TOURISM = "全年全州共接待旅游总人数6704.11万人次,比上年增长37.7%,实现旅游总收入553.68亿元,比上年增长43%。"
CAPACITY = "公司目前国内合计规划产能已达 475 万辆,海外合计规划产能已达 110 万辆。"
GRAIN = "全年全市粮食播种面积 2066.70 万亩,总产量 902.61 万吨,减产 3.2%。"
BUDGET = "上海市财政局收入预算17,192万元,其中:财政拨款收入17,192万元,比2024年预算减少990万元;"


@pytest.mark.parametrize(("sentence", "words", "question", "value"), [
    # a part named in its own clause, the whole's words read from the sentence's subject
    (JUSTICE_APPROVALS, ["律所类", "行政", "审批"], "律所类行政审批有多少件？", 1039),
    (HUAIAN_REVIEWS, ["行政复议", "纠正"], "行政复议被纠正的有多少件", 64),
    (HUAIAN_REVIEWS, ["行政复议"], "行政复议有多少件", 351),
    # a figure that opens its clause is followed by its words
    (JUSTICE_TOPICS, ["涉及", "司法鉴定", "机构", "资质"], "涉及司法鉴定机构及司法鉴定人资质信息的申请占比是多少？", 29.67),
    # a rate asked is a percentage; 好评率 is printed as 好评数占…
    (RATINGS, ["政务", "服务", "差评", "好评率"], "政务服务“好差评”的好评率是多少？", 99.58),
    (NEW_MEDIA, ["政务", "媒体", "检查", "抽查", "合格率"], "政务新媒体季度检查抽查的合格率是多少？", 100),
    # 「多少类」 asks a count of 类
    (ONE_NET, ["系统", "行政", "审批", "事项", "接入", "平台"], "局系统内有多少类行政审批事项全面接入“一网通办”平台？", 18),
    # 「提升到多少」 asks the level reached
    (ZERO_TRIPS, ["跑动", "事项", "比例", "提升"], "“零跑动”事项比例提升到了多少？", 90),
    # items of a listing: each figure's clause starts after the figure before it
    (PURCHASES, ["服务", "采购", "金额"], "服务采购金额是多少", 246.47),
    (PURCHASES, ["货物", "采购", "金额"], "货物采购金额是多少", 4.79),
    (PURCHASES, ["政府", "采购", "金额"], "政府采购金额多少", 251.25),
    # a change clause without a subject is read with the clause before it
    (TOURISM, ["旅游", "总收入", "上年", "增长"], "旅游总收入比上年增长多少？", 43),
    # unit words say nothing of what is counted; 17,192's comma is no clause break
    (CAPACITY, ["国内", "规划", "产能", "合计", "万辆"], "国内规划产能合计多少万辆？", 475),
    (GRAIN, ["粮食", "总产量", "万吨"], "粮食总产量是多少万吨？", 902.61),
    (BUDGET, ["财政拨款", "收入", "预算", "减少", "万元"], "财政拨款收入跟2024年预算比，减少了多少万元？", 990),
])
def test_the_figure_is_the_one_its_clause_says(sentence, words, question, value):
    found = figure(Sentence("r", sentence, 0, len(sentence)), words, question)
    assert found is not None
    assert found[0] / {"万元": 1, "万辆": 1, "万吨": 1}.get(found[1] or "", 1) == pytest.approx(value) or \
        found[0] == pytest.approx(value * 10_000)


def test_a_rate_asked_is_never_a_count():
    assert figure(Sentence("r", "全市在运维政务新媒体共计 95 个。", 0, 17), ["政务", "媒体", "合格率"], "政务新媒体合格率是多少？") is None


@pytest.mark.parametrize(("sentence", "words", "question"), [
    # 黔东南 2023 p16: a table row glued to the next sentence; 37.1 (a growth rate, no unit) is the row's, 1个 the 景区's
    ("旅游总收入 37.1 年末全州有5A级旅游景区1个;", ["旅游", "总收入"], "旅游总收入是多少"),
])
def test_no_figure_whose_clause_is_about_something_else(sentence, words, question):
    assert figure(Sentence("r", sentence, 0, len(sentence)), words, question) is None


def test_a_count_before_another_noun_is_not_the_amount():
    said = "2026年上海市普陀区司法局下属1家机关和1家参公事业单位财政拨款的机关运行经费预算为217.83万元。"
    found = figure(Sentence("r", said, 0, len(said)), ["机关", "运行", "经费预算"], "机关运行经费预算是多少？")
    assert found is not None and found[:2] == (217.83, "万元")


@pytest.mark.parametrize(("sentence", "words", "question", "value"), [
    # 黔东南 2023 bulletin: a note's marker 「[7]」 and the 5 of 「5G」 are no numbers between the words and the figure
    ("全州城镇常住居民人均可支配收入[7]40867 元,比上年增长 4.0%。", ["城镇"], "城镇常住居民人均可支配收入有多少元", 40867),
    ("光缆长度 36.28 公里,5G 基站数量累计达到 10588 个,移动电话普及率 126.5 部/百人。", ["5G", "基站", "累计"],
     "黔东南23年5G基站累计多少个", 10588),
    # 上海市政府办公厅 2019: the subject said after the figure (「“上海发布”新浪微博」) does not disqualify it
    ("微博粉丝突破770万,在人民日报政务微博影响力报告中,“上海发布”新浪微博排名位列全国党政新闻发布第一名。",
     ["发布", "微博", "粉丝", "突破"], "2019年“上海发布”微博粉丝突破了多少？", 7_700_000),
    # 平潭 2021: a count opening its clause after 对 is read with the words after it
    ("落实“同步起草、同步审签、同步发布”机制,对29项涉及群众切身利益、重大公共利益、需广泛知晓的重要政策文件进行解读。",
     ["重要", "政策", "文件", "进行", "解读"], "平潭2021年对多少项重要政策文件进行了解读？", 29),
    # 平潭 2023: 2个 is what 注销 counts; 新开设1个 is another clause's
    ("五是加强政务新媒体管理,坚持“集约开设、及时注销”的原则,注销2个无人维护或重复建设的政务新媒体,新开设1个政务新媒体。",
     ["注销", "政务", "媒体"], "平潭2023年注销了几个政务新媒体？", 2),
])
def test_what_stands_between_words_andfigure(sentence, words, question, value):
    found = figure(Sentence("r", sentence, 0, len(sentence)), words, question)
    assert found is not None and found[0] == pytest.approx(value)


def test_no_typo_read_across_two_words():
    """平潭 2023 prints 「全年开展季度通报3次、月通报7次」: 「一共开展」 holds 共开, which sounds like 公开 — no typo."""
    from pathlib import Path

    from qa.misspelt import misspelt_in

    text = (Path(__file__).resolve().parent.parent / "corpus" / "reports" / "txt" / "006_pingtan_zonghe_shiyanqu_2023.txt").read_text()
    assert misspelt_in("平潭2023年季度通报和月通报一共开展了几次", text) is None
    assert misspelt_in("平潭2023年新收申情多少件", text + "本年新收政府信息公开申请") == ("申情", "申请")


# 普陀区财政局 2024 决算 p.23, as printed: the year's budget and what was spent, one after the other
_SANGONG = "“三公”经费财政拨款支出年初预算为0.95万元,支出决算为0.00万元,完成预算的 0%"


@pytest.mark.parametrize(("question", "value"), [
    ("普陀区财政局2024年三公经费花了多少", 0.0),  # spent: the 决算
    ("普陀区财政局2024年三公经费支出决算多少", 0.0),
    ("普陀区财政局2024年三公经费年初预算多少", 0.95),  # 万元, as printed
    ("普陀区财政局2024年三公经费多少", None),  # both are its figures and neither is asked: no one figure
])
def test_a_budgets_kind_of_figure_is_the_one_asked_or_none(question, value):
    found = figure(Sentence("r", _SANGONG, 0, len(_SANGONG)), ["三公", "经费"], question)
    assert (found[0] if found else None) == value


def test_the_residual_item_of_a_breakdown_is_never_the_thing_asked():
    # 平潭 2019: 「共公布政府信息2599条，(其中…其他应主动公开政府信息856条)」 — 856 is the 其他 item, not 主动公开
    text = "我区政府信息公开单位共公布政府信息2599条，(其中机构职能类信息25条，其他应主动公开政府信息856条)"
    assert figure(Sentence("r", text, 0, len(text)), ["主动"], "平潭2019年主动公开信息多少条") is None
    assert figure(Sentence("r", text, 0, len(text)), ["其他", "主动"], "其他应主动公开的有多少条")[0] == 856
