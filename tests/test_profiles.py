"""Layout profiles (extractors/profiles/*.toml): what they load, what the loader refuses, and
that the vocabulary extractors see through :mod:`extractors.vocabulary` is what it was when it
was written as Python constants."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors import vocabulary
from extractors.model import HEADER_FIELDS, Layout
from extractors.profiles import (
    PROFILE_DIR,
    ROLES,
    check_family,
    load_profile,
    load_profiles,
    shipped_profiles,
)

SHANGHAI = PROFILE_DIR / "shanghai.toml"
NATIONAL = PROFILE_DIR / "national.toml"

MINIMAL = """\
schema = 1
name = "{name}"
titles = ["{title}"]
money_unit = "wan_yuan"

[[labels]]
text = "项目名称"
field = "project_name"
kind = "short"

[[labels]]
text = "绩效指标"
kind = "heading"

[indicators.columns]
"三级指标" = "level3"
"指标值" = "target"

[levels]
level1 = ["产出指标"]

[levels.level2]
"产出指标" = ["数量指标"]
"""


def _write(tmp_path: Path, text: str, name: str = "variant") -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _minimal(name: str = "variant", title: str = "某某项目绩效目标表") -> str:
    return MINIMAL.format(name=name, title=title)


# -- the shipped profiles -------------------------------------------------------------------


def test_both_profiles_load_and_are_the_layouts() -> None:
    profiles = shipped_profiles()
    assert set(profiles) == {"shanghai", "national"}
    assert load_profile(SHANGHAI) == profiles["shanghai"]
    assert load_profile(NATIONAL) == profiles["national"]
    assert shipped_profiles() is profiles  # read once
    assert list(vocabulary.PROFILES) == ["shanghai", "national"]


def test_titles_and_money_units_are_the_printed_ones() -> None:
    assert vocabulary.SHANGHAI_TITLE == "财政项目支出绩效目标表"
    assert vocabulary.NATIONAL_TITLE == "项目支出绩效目标表"
    assert vocabulary.find_title("财 政 项 目 支 出 绩 效 目 标 表") == "shanghai"
    assert vocabulary.find_title("项目支出绩效目标表") == "national"
    # a place or a year printed before a title; a sentence ending in one is no title
    assert vocabulary.find_title("上海市财政项目支出绩效目标表") == "shanghai"
    assert vocabulary.find_title("2022年度部门预算项目支出绩效目标申报表") == "national"
    assert vocabulary.find_title("请按要求，填写项目支出绩效目标表") is None
    assert vocabulary.find_title("项目支出绩效自评表") is None
    assert vocabulary.refused_title("2023年度项目支出绩效自评表") == "self_evaluation_table"
    assert vocabulary.default_money_unit("shanghai") == "yuan"
    assert vocabulary.default_money_unit("national") == "wan_yuan"


def test_labels_are_those_the_extractors_used() -> None:
    sh = [(lb.text, lb.field, lb.kind) for lb in vocabulary.LABELS["shanghai"]]
    assert len(sh) == 18
    assert sh[0] == ("申报单位名称", "unit_name", "short")
    assert ("保证项目实施的制度、措施", "measures", "narrative") in sh
    assert ("本项目上年度市级财政资金使用情况", None, "heading") in sh
    assert sh[-1] == ("同名项目上年预算执行数", "prior_year_executed", "money")
    nat = [(lb.text, lb.field, lb.kind) for lb in vocabulary.LABELS["national"]]
    # the Ministry's own labels, in print order, then its variants' among them
    own = [("项目名称", "project_name", "short"), ("主管部门", "supervising_dept", "short"),
           ("实施单位", "unit_name", "short"), ("项目期", "project_period", "short"),
           ("项目资金", None, "heading"), ("年度资金总额", "total_budget", "money"),
           ("其中：财政拨款", "fiscal_appropriation", "money"),
           ("上年结转", "carryover", "money"), ("其他资金", "other_funds", "money"),
           ("年度总体目标", "overall_goal", "narrative"),
           ("总体目标", "overall_goal", "narrative"),
           ("中期目标", "long_term_goal", "narrative"), ("绩效指标", None, "heading")]
    assert [lb for lb in nat if lb in own] == own
    assert ("主管部门编码", "supervising_dept_code", "short") in nat
    assert ("中期资金总额", "mid_term_budget", "money") in nat
    assert ("项目申报的可行性", None, "extra") in nat
    assert {lb.text for lb in vocabulary.LABELS["national"] if lb.kind == "personal"} == {
        "项目负责人", "联系电话"}
    assert all(vocabulary.LABELS[layout] == p.labels for layout, p in shipped_profiles().items())
    assert all(lb.field in HEADER_FIELDS for lbs in vocabulary.LABELS.values() for lb in lbs
               if lb.field is not None)
    # a unit may follow every money label and the national 项目资金 heading, nothing else
    suffixed = {lb.text for lbs in vocabulary.LABELS.values() for lb in lbs if lb.unit_suffix}
    money = {lb.text for lbs in vocabulary.LABELS.values() for lb in lbs if lb.kind == "money"}
    assert suffixed == money | {"项目资金"}


def test_unit_after_the_funds_heading_is_read() -> None:
    (hit,) = vocabulary.find_labels("项 目 资 金（万元）", "national")
    assert hit.label.text == "项目资金"
    assert hit.money_unit == "wan_yuan"
    (hit,) = vocabulary.find_labels("项目总预算(元):100", "shanghai")
    assert hit.money_unit == "yuan"


def test_table_columns_and_taxonomies_are_those_the_extractors_used() -> None:
    assert vocabulary.TABLE_COLUMNS == {
        "shanghai": ("一级目标", "二级目标", "三级目标", "指标目标值"),
        "national": ("一级指标", "二级指标", "三级指标", "指标值"),
    }
    assert [vocabulary.column_header_index(h, "national") for h in
            ("一级指标", "二级指标", "三 级 指 标", "指标值", "备注")] == [0, 1, 2, 3, None]
    assert vocabulary.column_role("指标值（中期）", "national") == vocabulary.ColumnRole("target",
                                                                              "mid_term")
    assert vocabulary.column_role("计量单位", "national") == vocabulary.ColumnRole("unit")
    assert vocabulary.column_role("指标值（明年）", "national") is None
    assert vocabulary.block_period("长期绩效指标", "national") == "long_term"
    assert vocabulary.block_period("长 期 绩", "national") == "long_term"  # cut by a page break
    assert vocabulary.block_period("效指标", "national") is None  # ... its continuation
    assert vocabulary.LEVEL1 == {
        "shanghai": ("投入与管理", "产出目标", "效果目标", "影响力目标"),
        "national": ("产出指标", "成本指标", "效益指标", "满意度指标"),
    }
    assert list(vocabulary.LEVEL2["shanghai"]) == list(vocabulary.LEVEL1["shanghai"])
    assert vocabulary.LEVEL2["shanghai"]["效果目标"] == (
        "社会效益", "经济效益", "生态效益", "可持续影响", "服务对象满意度")
    assert vocabulary.LEVEL2["national"] == {
        "产出指标": ("数量指标", "质量指标", "时效指标", "成本指标"),
        "成本指标": ("经济成本指标", "社会成本指标", "生态环境成本指标"),
        "效益指标": ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标",
                     "环境效益指标"),
        "满意度指标": ("服务对象满意度指标", "社会公众或服务对象满意度指标", "满意度指标"),
    }
    for profile in shipped_profiles().values():
        assert profile.indicators.period == "annual"
    assert shipped_profiles()["shanghai"].indicators.blocks == ()
    assert shipped_profiles()["shanghai"].indicators.period_markers == ()


# -- what a v2 profile may state ---------------------------------------------------------


def test_every_role_block_heading_period_marker_and_synonym_is_accepted(tmp_path: Path) -> None:
    text = _minimal().replace('"指标值" = "target"\n', '"指标值" = "target"\n"目标值" = "target"\n'
                              + "".join(f'"列{i}" = "{role}"\n' for i, role in enumerate(ROLES)))
    text = text.replace('kind = "short"\n', 'kind = "short"\nsynonyms = ["项目支出名称"]\n', 1)
    text += """
[indicators.blocks]
"长期绩效指标" = "long_term"
"年度绩效指标" = "annual"
"实施期" = "mid_term"

[indicators.period_markers]
"长期" = "long_term"
"年度" = "annual"
"""
    profile = load_profile(_write(tmp_path, text))
    assert {c.role for c in profile.indicators.columns} == set(ROLES)
    assert profile.indicators.headings("target") == ("指标值", "目标值", "列3")
    assert profile.labels[0].spellings == ("项目名称", "项目支出名称")
    assert profile.indicators.blocks == (
        ("长期绩效指标", "long_term"), ("年度绩效指标", "annual"), ("实施期", "mid_term"))
    assert dict(profile.indicators.period_markers) == {"长期": "long_term", "年度": "annual"}
    assert profile.money_unit == "wan_yuan"


# -- validation: each error names the file, the key and the bad value ----------------------


BAD: list[tuple[str, str, str, str]] = [
    # (id, replace this, with this, expected key in the message)
    ("unknown top-level key", 'money_unit = "wan_yuan"', 'money_unit = "wan_yuan"\ncolour = 1',
     "colour"),
    ("unknown label key", 'kind = "short"', 'kind = "short"\nwidth = 3', "labels[0].width"),
    ("unknown canonical field", 'field = "project_name"', 'field = "project_title"',
     "labels[0].field"),
    ("unknown kind", 'kind = "short"', 'kind = "tiny"', "labels[0].kind"),
    ("heading with a field", 'kind = "heading"', 'kind = "heading"\nfield = "overview"',
     "labels[1].field"),
    ("field missing", 'field = "project_name"\n', "", "labels[0].field"),
    ("unknown role", '"指标值" = "target"', '"指标值" = "value"', "indicators.columns.指标值"),
    ("required role missing", '"指标值" = "target"', '"指标值" = "remarks"',
     "indicators.columns"),
    ("unknown money unit", 'money_unit = "wan_yuan"', 'money_unit = "yi_yuan"', "money_unit"),
    ("empty level-1 taxonomy", 'level1 = ["产出指标"]', "level1 = []", "levels.level1"),
    ("empty level-2 list", '"产出指标" = ["数量指标"]', '"产出指标" = []',
     "levels.level2.产出指标"),
    ("level-2 parent not a level 1", '"产出指标" = ["数量指标"]', '"效益指标" = ["数量指标"]',
     "levels.level2.效益指标"),
    ("duplicate label", 'text = "绩效指标"', 'text = "项 目 名 称"', "labels[1].text"),
    ("duplicate label via a synonym", 'kind = "heading"',
     'kind = "heading"\nsynonyms = ["项目名称"]', "labels[1].synonyms[0]"),
    ("duplicate level-1 name", 'level1 = ["产出指标"]', 'level1 = ["产出指标", "产出指标"]',
     "levels.level1[1]"),
    ("duplicate column heading", '"指标值" = "target"',
     '"指标值" = "target"\n"（备注）" = "remarks"\n"(备注)" = "extra"',
     "indicators.columns.(备注)"),
    ("space inside printed text", 'text = "绩效指标"', 'text = "绩效 指标"', "labels[1].text"),
    ("unknown period", '[levels]', '[indicators.blocks]\n"长期绩效指标" = "forever"\n\n[levels]',
     "indicators.blocks.长期绩效指标"),
    ("empty titles", 'titles = ["某某项目绩效目标表"]', "titles = []", "titles"),
    ("unsupported schema", "schema = 1", "schema = 2", "schema"),
    ("name not the stem", 'name = "variant"', 'name = "other"', "name"),
    ("missing section", "[levels]\nlevel1", "[tiers]\nlevel1", "tiers"),
    ("personal data words not a list", "schema = 1", 'schema = 1\npersonal_data_words = "电话"',
     "personal_data_words"),
]


@pytest.mark.parametrize(("old", "new", "key"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_invalid_profile_is_refused_naming_file_and_key(tmp_path: Path, old: str, new: str,
                                                        key: str) -> None:
    text = _minimal()
    assert old in text
    path = _write(tmp_path, text.replace(old, new, 1))
    with pytest.raises(ValueError) as info:
        load_profile(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ")
    assert f": {key}:" in message or f": {key}." in message


def test_personal_data_words_come_from_the_profiles() -> None:
    assert {"负责人", "电话"} <= set(vocabulary.PERSONAL_DATA_WORDS)
    assert vocabulary.is_personal_label("项目负责人及电话")
    assert vocabulary.is_personal_label("联 系 电 话")
    assert not vocabulary.is_personal_label("项目来源")


def test_bad_value_is_named(tmp_path: Path) -> None:
    path = _write(tmp_path, _minimal().replace('field = "project_name"',
                                               'field = "project_title"'))
    with pytest.raises(ValueError, match=re.escape("'project_title'")):
        load_profile(path)


def test_not_toml_is_refused_naming_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "schema = 1\nname = \n")
    with pytest.raises(ValueError, match=re.escape(f"{path}: not valid TOML")):
        load_profile(path)


def test_a_family_needs_distinct_titles(tmp_path: Path) -> None:
    one = _write(tmp_path, _minimal("one"), "one")
    two = _write(tmp_path, _minimal("two"), "two")
    with pytest.raises(ValueError, match=re.escape(f"{two}: titles[0]: also a title of {one}")):
        load_profiles(tmp_path)
    with pytest.raises(ValueError, match=r": name: also the name of"):
        check_family([load_profile(one), load_profile(one)])


# -- matching: a profile's labels survive what printing does to them -----------------------

_ALL_LABELS = [(layout, lb) for layout, lbs in vocabulary.LABELS.items() for lb in lbs]
_GAPS = st.sampled_from(["", " ", "  ", "\u3000", "\u00a0", "\t"])


@settings(max_examples=300, deadline=None)
@given(pick=st.sampled_from(_ALL_LABELS), data=st.data(),
       colon=st.sampled_from(["", "：", ":", " ：", "\u3000:"]),
       value=st.sampled_from(["", "某某", " 12.5"]))
def test_spaced_and_full_width_labels_still_match(pick: tuple[Layout, vocabulary.Label],
                                                  data: st.DataObject, colon: str,
                                                  value: str) -> None:
    layout, label = pick
    chars = [":" if ch == "：" and data.draw(st.booleans()) else ch for ch in label.text]
    gaps = [data.draw(_GAPS) for _ in chars[1:]]
    printed = chars[0] + "".join(g + ch for g, ch in zip(gaps, chars[1:], strict=True))
    line = printed + colon + value
    hit = vocabulary.label_at_start(line, layout)
    assert hit is not None and hit.label == label
    assert line[hit.end:].strip() == value.strip()


def test_the_readme_example_profile_loads(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Adding a regional variant", 1)[1]
    example = section.split("```toml\n", 1)[1].split("```", 1)[0]
    profile = load_profile(_write(tmp_path, example, "huaibei"))
    assert profile.name == "huaibei"
    assert profile.indicators.headings("level3") == ("三级指标", "指标内容")
    assert dict(profile.indicators.blocks)["长期绩效指标"] == "long_term"
    assert profile.labels[1].unit_suffix and profile.labels[1].field is None
    check_family([*shipped_profiles().values(), profile])  # its title is no shipped one's
