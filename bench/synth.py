"""Synthetic meeting reports for benchmarks: generated names, titles, zones and dates, no copied text.

Report ``i`` of seed ``s`` is the same whatever the corpus size, so a 1,000-report corpus is the
first thousand reports of a 100,000-report one. About 10% come in traditional script (OpenCC s2t)
and 5% in traditional script with pinyin annotations after some characters (會(huì)).

    python bench/synth.py 10000 /tmp/corpus-10k [--seed 0]
"""
from __future__ import annotations

import argparse
import os
import random
import sys
from functools import lru_cache
from pathlib import Path

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁"
            "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔")
COMPOUND = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "公孙", "慕容", "司徒", "夏侯", "令狐", "钟离")
GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华玉兰辉鹏飞斌宇浩凯健俊帆帅旭宁龙林欣玲晨海波红"
         "志建国文云峰亮春梅晓东雪琳庆新德荣坤振鑫启翔彬元锋松昊")
PLACE = "江河山湖泉溪阳安宁丰泰平和兴隆昌盛华源清远长永广福德新兴宝金云岭川桥梅松竹"  # city names

# (title as written, rank) per zone; "X" becomes the zone's level character (区 or 县).
ROSTER = (
    "X委书记", "X委副书记、X长", "X委副书记", "X委常委、常务副X长", "X委常委、组织部部长", "X委常委、宣传部部长",
    "X委常委、纪委书记", "X人大常委会主任", "X政协主席", "副X长", "副X长", "副X长", "X政府办公室主任",
)
MEETINGS = ("X委常委会会议", "X政府常务会议", "X政府党组会议", "全X经济工作会议", "全X安全生产工作会议",
            "X委理论学习中心组学习会", "全X领导干部大会", "X委全面深化改革委员会会议", "全X优化营商环境工作推进会",
            "X委财经委员会会议", "全X乡村振兴工作会议", "X委农村工作会议")
WORKS = ("关于加强基层治理体系建设的意见", "政府工作报告", "安全生产条例", "关于推进高质量发展的实施方案",
         "乡村振兴促进法", "优化营商环境条例")
VERBS = ("推进", "落实", "强化", "深化", "统筹", "压实", "健全", "完善", "提升", "巩固", "拓展", "抓好")
OBJECTS = ("项目建设", "招商引资", "安全生产", "基层治理", "营商环境", "乡村振兴", "生态环境保护", "民生保障",
           "防汛救灾", "疫情防控", "产业升级", "财政收支", "作风建设", "意识形态工作", "信访维稳", "重点工程")
MANNERS = ("各单位要", "各部门要", "各乡镇要", "要", "全X上下要", "领导干部要")
ENDS = ("确保各项任务落到实处", "推动经济社会高质量发展", "切实扛起政治责任", "以钉钉子精神抓好落实",
        "形成工作合力", "坚决守住底线", "持续提升群众满意度", "为全年目标任务完成打下坚实基础")
LEADS = ("强调", "要求", "指出")
ATTEND = ("出席会议", "出席", "参加会议", "列席会议")

# Pinyin for the traditional characters annotated in the mirror-site variant.
PINYIN = {"區": "qū", "務": "wù", "縣": "xiàn", "長": "zhǎng", "發": "fā", "經": "jīng", "開": "kāi", "時": "shí",
          "間": "jiān", "領": "lǐng", "導": "dǎo", "調": "diào", "記": "jì", "書": "shū", "員": "yuán", "責": "zé",
          "實": "shí", "設": "shè", "質": "zhì", "點": "diǎn", "進": "jìn", "產": "chǎn", "強": "qiáng", "議": "yì"}

TRADITIONAL_SHARE = 0.10
PINYIN_SHARE = 0.05
# Reports go round the counties of a province, so a larger corpus is more years of the same
# counties; each county's leadership changes after a term of this many of its reports.
ZONES = 100
TERM = 500


@lru_cache(maxsize=1)
def _place_words() -> tuple[str, ...]:
    """Two-character words jieba's dictionary tags as places: county names look like these."""
    import logging

    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    jieba.dt.check_initialized()
    return tuple(sorted(w for w, tag in jieba.posseg.dt.word_tag_tab.items()
                        if tag == "ns" and len(w) == 2 and all("\u4e00" <= c <= "\u9fff" for c in w)
                        and w[-1] not in "区县市省州镇乡村" and 0 < jieba.dt.FREQ.get(w, 0) <= 1000))


def _name(rng: random.Random) -> str:
    surname = rng.choice(COMPOUND) if rng.random() < 0.03 else rng.choice(SURNAMES)
    given = "".join(rng.choice(GIVEN) for _ in range(1 if rng.random() < 0.3 else 2))
    return surname + given


def zone(index: int, seed: int = 0, term: int = 0) -> tuple[str, str, list[tuple[str, str]]]:
    """Zone ``index`` in leadership term ``term``: (full name, level character, roster of (title, name))."""
    rng = random.Random(f"zone:{seed}:{index}")
    level = "县" if rng.random() < 0.6 else "区"
    name = rng.choice(_place_words()) + level
    city = rng.choice(PLACE) + rng.choice(PLACE) + "市"
    people = random.Random(f"roster:{seed}:{index}:{term}")
    roster = [(t.replace("X", level), _name(people)) for t in ROSTER]
    return city + name, level, roster


def _directive(rng: random.Random, level: str, ends: list[str]) -> str:
    parts = [f"{rng.choice(MANNERS)}{rng.choice(VERBS)}{rng.choice(OBJECTS)}" for _ in range(rng.randint(2, 4))]
    # A closing phrase is used once per report at most, as a writer would.
    if ends:
        parts.append(ends.pop())
    return ",".join(parts).replace("X", level)


def report(i: int, seed: int = 0) -> tuple[str, str]:
    """Report ``i`` as (doc_id, text in simplified script, before any script variant)."""
    rng = random.Random(f"report:{seed}:{i}")
    full, level, roster = zone(i % ZONES, seed, (i // ZONES) // TERM)
    short = full[full.index("市") + 1:]
    year = rng.randint(2015, 2024)
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    target = int(rng.gauss(2400, 400))
    head_meeting = rng.choice(MEETINGS).replace("X", level)
    lines = [f"{short}召开{head_meeting}",
             f"来源:{short}融媒体中心  发布时间:{year}-{month:02d}-{min(day + 1, 28):02d} "
             f"{rng.randint(8, 20):02d}:{rng.randint(0, 59):02d}  浏览:{rng.randint(100, 9000)}次"]
    body: list[str] = []
    meeting_count = 1 + (rng.random() < 0.3) + (rng.random() < 0.1)
    tods = iter(rng.sample(("上午", "下午", "晚上"), 3))
    ends = rng.sample(ENDS, len(ENDS))
    for k in range(meeting_count):
        meeting = head_meeting if k == 0 else rng.choice(MEETINGS).replace("X", level)
        chair_title, chair = roster[rng.choice((0, 1, 1, 3))]
        others = [p for p in roster if p[1] != chair]
        attendees = rng.sample(others, rng.randint(3, min(8, len(others))))
        when = f"{month}月{day}日{next(tods)}" if k == 0 else f"同日{next(tods)}"
        body.append(f"{when},{short}召开{meeting}。{chair_title}{chair}主持会议并讲话。"
                    f"{level}领导{'、'.join(n for _, n in attendees)}{rng.choice(ATTEND)}。")
        if rng.random() < 0.5:
            body.append(f"会议传达学习了《{rng.choice(WORKS)}》精神,听取了{level}有关部门工作情况汇报。")
        speakers = [chair] + [n for _, n in attendees[:rng.randint(0, 2)]]
        for name in speakers:
            points = [_directive(rng, level, ends) for _ in range(rng.randint(2, 4))]
            body.append(f"{name}{rng.choice(LEADS)},{'。'.join(points)}。")
        body.append(f"会议{rng.choice(LEADS)},{_directive(rng, level, ends)}。")
    # Pad with numbered points of the chair's speech until the report reaches its length.
    while sum(map(len, body)) + 40 < target:
        points = [f"{'一二三四'[k]}是{_directive(rng, level, ends)}" for k in range(rng.randint(2, 4))]
        body.append(f"{rng.choice(('会议指出', '会议要求', chair + '表示'))},今年以来,全{level}上下"
                    f"{rng.choice(VERBS)}{rng.choice(OBJECTS)},取得明显成效。{';'.join(points)}。")
    reporter, editor = _name(rng), _name(rng)
    lines += body
    lines.append(f"记者 {reporter}  责任编辑:{editor}")
    return f"s{seed}_{i:07d}", "\n".join(lines) + "\n"


def variant(i: int, text: str, seed: int = 0) -> str:
    """The script report ``i`` is published in: simplified, traditional, or traditional with pinyin."""
    draw = random.Random(f"script:{seed}:{i}").random()
    if draw >= TRADITIONAL_SHARE + PINYIN_SHARE:
        return text
    trad = _s2t().convert(text)
    if draw < PINYIN_SHARE:
        trad = "".join(f"{c}({PINYIN[c]})" if c in PINYIN else c for c in trad)
    return trad


_converter = None


def _s2t():
    global _converter
    if _converter is None:
        from opencc import OpenCC

        _converter = OpenCC("s2t")
    return _converter


def write_corpus(out_dir: str | os.PathLike, n: int, seed: int = 0, start: int = 0) -> list[Path]:
    """Write reports ``start`` .. ``start + n - 1`` as UTF-8 ``<doc_id>.txt`` files; return their paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(start, start + n):
        doc_id, text = report(i, seed)
        path = out / f"{doc_id}.txt"
        path.write_text(variant(i, text, seed), encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("n", type=int, help="number of reports")
    p.add_argument("out", help="output folder")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--start", type=int, default=0, help="index of the first report")
    args = p.parse_args(argv)
    paths = write_corpus(args.out, args.n, args.seed, args.start)
    size = sum(p.stat().st_size for p in paths)
    print(f"wrote {len(paths)} reports ({size / 1e6:.1f} MB) to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
