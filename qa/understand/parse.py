"""Understand: one parse of each question, read by every later stage.

:func:`parse_question` turns a question, in Chinese or English, into a :class:`ParsedQuestion`: its
language (the one detector), its kind (lookup, figure, fact, why, compare, list), its scope (the
bodies it names, resolved from any of their names by the document's :class:`BodyRegistry`, and the
component or subprogramme), the funding source, the measure, the years and basis it asks about
("approved", "after recosting", "actual", "planned"), the breakdown it names (an object of
expenditure, a grade, a category of posts), the aggregate (total, change, percentage, difference,
largest) and the parts of a multi-part question.  A follow-up fills the slots it leaves out from
the previous turn's parse (:meth:`ParsedQuestion.inherit`).

The word lists are the budget's own vocabulary (the document's column headers and row labels, and
their official English forms), not the wording of any particular question.

>>> from budgetqa.ingest.commands import load_document
>>> understanding = Understanding.of(load_document())
>>> parsed = understanding.parse("联非办 2024 年经常预算的员额有多少个？")
>>> parsed.body_keys, parsed.funding.value, parsed.measure.value, parsed.years
(('UNOAU',), 'regular_budget', 'posts', (2024,))
>>> understanding.parse("How much did UNOCT's regular budget change from 2023?").aggregate.value
'change'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from enum import StrEnum

from budgetqa.index.glossary import Glossary
from budgetqa.index.language import detect_language
from budgetqa.index.tokenize import tagged_words
from budgetqa.ingest.bodies import SECTION_KEY, Body, BodyRegistry
from budgetqa.ingest.budget import YEAR_RE, Basis, ChangeKind, FundingSource, Measure
from budgetqa.ingest.english import has_han
from budgetqa.ingest.entities import OFFICIAL_ENGLISH_NAMES, UN_SYSTEM_ENTITIES
from budgetqa.ingest.facts import Fact, extract_facts
from budgetqa.ingest.model import Document
from budgetqa.ingest.refs import BlockReference
from budgetqa.ingest.sectioninfo import budget_year

from ..model import Language
from .counting import HOW_MUCH_MONEY, asked_measure, asked_share
from .interrogatives import asks_figure, asks_lookup, asks_other, asks_why, cited_references
from .parts import split_question
from .unprinted import Unprinted, unprinted_breakdown


class QuestionKind(StrEnum):
    LOOKUP = "lookup"  # show a unit
    FIGURE = "figure"  # how much, how many, what share
    FACT = "fact"  # who, what, when, which
    WHY = "why"  # why, for what reason
    COMPARE = "compare"  # compare A and B, which is larger
    LIST = "list"  # list, what are the …
    CHECK = "check"  # do the figures agree: "表 3.27 的小计对得上吗？", "Do the UNOCT totals add up?"


class Aggregate(StrEnum):
    VALUE = "value"  # the figure itself
    TOTAL = "total"  # a whole (一共, in total)
    CHANGE = "change"  # 2023 → 2024 (增加/减少, change, increase)
    PERCENTAGE = "percentage"  # the change in per cent, a share
    DIFFERENCE = "difference"  # A − B
    LARGEST = "largest"  # which is the largest
    SMALLEST = "smallest"
    EACH = "each"  # the figure of every body: "各实体…是多少", "for each entity"


class RankedRows(StrEnum):
    """The rows of a body's tables a question ranks: "哪个次级方案的经费最多",
    "which object of expenditure falls most", "哪个职等的员额最多", "which funding source is largest"."""

    SUBPROGRAMME = "subprogramme"
    COMPONENT = "component"
    OBJECT = "object"  # objects of expenditure
    GRADE = "grade"
    FUNDING = "funding"


class Extreme(StrEnum):
    """Which end of a ranking a superlative asks for; for a change, the largest fall is the lowest."""

    HIGHEST = "highest"
    LOWEST = "lowest"


# ------------------------------------------------------------------ vocabulary

# A question whether figures agree: a word of checking and a word of figures or of a place that
# prints them, both ("表 3.27 的小计加起来对吗？", "Are there discrepancies in the annex figures?").
_CHECKING = re.compile(
    r"对得上|对不上|对不对得上|加起来对|加总|相加|合计对|一致|吻合|相符|不符|出入|矛盾|差错|错误|有误|核对|核查|算得对|算错"
    r"|有(?:没有)?问题吗|有问题|加得对|对吗|对不对"
    r"|\badd(?:s|ed)? up\b|\bconsisten|\binconsisten|\bdiscrepanc|\bmismatch|\breconcil|\btally|\btallies"
    r"|\berrors?\b|\bmistakes?\b|\bwrong\b|\bcorrect\b|\bcheck (?:the )?(?:figures|totals|sums|arithmetic|numbers)|\barithmetic\b|\bagree\b",
    re.I,
)
_CHECKED_FIGURES = re.compile(
    r"数字|数额|金额|合计|共计|总计|小计|总数|总额|百分比|员额|资源|预算|表|附件"
    r"|\bfigures?\b|\bnumbers?\b|\btotals?\b|\bsubtotals?\b|\bamounts?\b|\bsums?\b|\bpercentages?\b|\bposts\b"
    r"|\bresources\b|\bbudget\b|\btable\b|\bannex\b",
    re.I,
)
# Every body at once: "各实体", "每个办事处", "for each entity", "body by body".
_EACH_BODY = re.compile(
    r"各(?:个)?(?:实体|机构|部门|办事处|办公室|单位|部分)|每(?:个|一个)(?:实体|机构|部门|办事处|办公室|单位)|按实体|逐个"
    r"|\b(?:each|every|all)(?: of the)? (?:bodies|body|entities|entity|offices?|departments?|parts?)\b"
    r"|\b(?:by|per) (?:body|entity|office)\b|\bbody by body\b",
    re.I,
)
# Which body leads: "哪个实体…最多", "Which office … most".
_WHICH_BODY = re.compile(
    r"哪(?:个|一个|家|些)?(?:实体|机构|部门|办事处|办公室|单位|部分)"
    r"|\bwhich (?:body|entity|office|department|part|one)(?:'s)?\b|\bwhat (?:body|entity|office)\b",
    re.I,
)
_EXTREME = re.compile(
    r"最|\bmost\b|\blargest\b|\bbiggest\b|\bhighest\b|\bgreatest\b|\bfastest\b|\bsteepest\b|\bsharpest\b"
    r"|\bleast\b|\bsmallest\b|\blowest\b|\bfewest\b",
    re.I,
)
_DECREASE = re.compile(r"减少|下降|降低|削减|缩减|少了|降了|[减降砍]得|砍|\bfall|\bfell\b|\bdrop|\bdecreas|\bcut\b|\bshrink|\bshrank|\bdeclin|\blos[et]", re.I)
# What kind of row a ranking question ranks, by the budget's names for its rows.
_RANKED_ROW_TERMS: tuple[tuple[re.Pattern[str], RankedRows], ...] = (
    (re.compile(r"次级方案|\bsub-?programmes?\b", re.I), RankedRows.SUBPROGRAMME),
    (re.compile(r"组成部分|构成部分|\bcomponents?\b", re.I), RankedRows.COMPONENT),
    (
        re.compile(
            r"支出用途|支出项目|开支项目|费用项目|支出类别|开支类别|费用类别|用途|(?<=哪)(?:个|一个|一项|项|类|一类)?(?:支出|开支|费用|花费)(?:项目|类别|用途)?"
            r"|\bobjects? of expenditure\b|\bexpenditure (?:items?|lines?|categor\w*|objects?)\b"
            r"|\b(?:budget|cost|expense|spending) (?:items?|lines?|categor\w*)\b|\bwhich (?:items?|lines?|expenses?|costs?)\b",
            re.I,
        ),
        RankedRows.OBJECT,
    ),
    (re.compile(r"职等|职级|级别|\bgrades?\b", re.I), RankedRows.GRADE),
    (re.compile(r"资金来源|供资来源|经费来源|\bfunding sources?\b|\bsources? of (?:funding|funds)\b", re.I), RankedRows.FUNDING),
)
_WHICH = re.compile(r"哪|\bwhich\b|\bwhat\b", re.I)
# Words that ask for a figure row by row: "按资金来源分别是多少", "各次级方案", "哪些支出用途", "by grade",
# "under each source".
_DISTRIBUTIVE = re.compile(
    r"按照?|各|每个|每一|分别|哪些|分布|分配|分在|\bby\b|\beach\b|\bper\b|\bbreak(?:s|ing)? ?down\b|\bbroken down\b"
    r"|\bbreakdown\b|\bsplit\b|\bdistribut",
    re.I,
)

_SOURCE_TERMS: tuple[tuple[re.Pattern[str], FundingSource], ...] = (
    (re.compile(r"其他分摊|支助账户|other[- ]assessed|support account", re.I), FundingSource.OTHER_ASSESSED),
    (re.compile(r"预算外|自愿捐|extra-?budgetary|voluntary contributions?|XB\b", re.I), FundingSource.EXTRABUDGETARY),
    (
        re.compile(
            r"经常预算|regular[- ]budget|\bRB\b|assessed contributions"
            r"|\bregular\b(?=[\s-]+(?:posts?|resources|funding|funds|and|or|plus|versus|vs\.?)\b)",  # "regular and extrabudgetary"
            re.I,
        ),
        FundingSource.REGULAR_BUDGET,
    ),
    (re.compile(r"所有资金来源|各种资金来源|各类资金|资金合计|全部资金|all[- ](?:funding[- ])?sources?|all funds|every source|combined funding", re.I), FundingSource.ALL),
)
_AFTER_RECOSTING = re.compile(r"重计费用后|(?<!未)(?<!不)重计费用(?!前)|after recosting|recosted|with recosting", re.I)
_BEFORE_RECOSTING = re.compile(r"重计费用前|before recosting", re.I)
_BASIS_TERMS: tuple[tuple[re.Pattern[str], Basis], ...] = (
    (re.compile(r"核定|批准|获批|approv", re.I), Basis.APPROVED),
    (re.compile(r"批款|拨款|appropriat", re.I), Basis.APPROPRIATION),
    (re.compile(r"实际|支出(?!用途|项目|类别)|花了|花掉|用了|\bactual|spent|spend|(?<!of )expenditure(?! (?:items?|lines?|categor))", re.I), Basis.ACTUAL),
    (re.compile(r"计划|目标|planned|target", re.I), Basis.PLANNED),
    (re.compile(r"拟议|提议|申请|要求|proposed|proposal|request", re.I), Basis.PROPOSED),
    (re.compile(r"估计|预计|estimate", re.I), Basis.ESTIMATE),
)
_CHANGE = re.compile(
    r"变动|变化|增加|增长|减少|下降|增减|多了|少了|涨了|降了|[增减涨降]得|差额|净增|净减|[多少]多少|增幅|降幅|减幅|涨幅"
    r"|比\s*(?:20\d\d|今年|去年|上一?年|前一年|本年度).{0,12}(?:多|少|高|低)"
    r"|\bchang|\bincreas|\bdecreas|\bgrow|\bgrew|\bdrop|\bfell|\bfall|\bcut\b|\bdifference from|\bcompared (?:with|to) 20\d\d"
    r"|\blos[et]s?\b|\blosing\b|\bgain(?:s|ed)?\b|\bris(?:e|es|en)\b|\brose\b|\bshrink|\bshrank|\bdeclin"
    r"|\b(?:go|goes|going|went|gone) (?:up|down)\b"
    r"|\bmore than in 20\d\d|\bless than in 20\d\d|\bmore or less\b|\bthan (?:in )?20\d\d|\bvariance|\bup from|\bdown from",
    re.I,
)
_PERCENT = re.compile(r"百分比|百分之|几成|比例|占比|%|\bper ?cent|\bpercentage|\bshare\b|\bproportion", re.I)
_TOTAL = re.compile(r"一共|总共|共计|合计|总额|总计|加在一起|总的|全部|\bin total\b|\baltogether\b|\bcombined\b|\btotal\b|\boverall\b", re.I)
_LARGEST = re.compile(r"最多|最大|最高|哪个.{0,6}(?:多|大|高)|\blargest\b|\bbiggest\b|\bhighest\b|\bmost\b", re.I)
_SMALLEST = re.compile(r"最少|最小|最低|\bsmallest\b|\blowest\b|\bleast\b|\bfewest\b", re.I)
_DIFFERENCE = re.compile(r"相差|差多少|差距|\bdifference between\b|\bgap between\b|\bhow much more\b|\bhow much less\b", re.I)
_THAN_YEAR = re.compile(r"\bthan (?:in )?20\d\d|比\s*20\d\d|比(?:今年|去年|上一?年|前一年)|\bthan (?:this|last) year\b", re.I)
_LIST = re.compile(r"列出|哪些|有什么|\blist\b|\bwhich (?:are|were)\b|\bwhat are the\b", re.I)
_COMPARE = re.compile(r"比较|对比|相比|\bcompare|\bversus\b|\bvs\.?\b", re.I)
# Two things set against each other by a comparative: "which has the larger budget", "哪个更多".
_COMPARATIVE = re.compile(r"哪(?:个|一个)?[更较]?[多高大少低小]|谁[更较]?[多高大少低小]|\b(?:larger|bigger|higher|greater|smaller|lower)\b", re.I)
# A question whose parts are set against each other: "比员额经费高还是低", "higher or lower than".
_CONTRAST = re.compile(
    r"比较|对比|相比|[高多大]还是[低少小]|哪个[更较]?[多高大少低小]|\bcompare|\bversus\b|\bvs\.?\b"
    r"|\b(?:higher|lower|more|less|larger|smaller|greater) (?:or (?:lower|higher|less|more|smaller|larger) )?than\b",
    re.I,
)
_POSTS = re.compile(r"员额|职位|\bposts?\b|\bpositions?\b|staffing|\bstaff\b", re.I)
_MONEY = re.compile(
    r"钱|经费|资金|美元|资源|预算|拨款|批款|支出|费用|数额|金额|花|" + HOW_MUCH_MONEY + r"|\bfund|\bbudget|\bdollars?\b|\busd\b|\$\s?\d"
    r"|\bresources?\b|\bcost|\bappropriat|\bexpenditure|\bspen[dt]|\brequirements?\b|\bamount\b|\bestimates?\b|估计|预计",
    re.I,
)
_SOURCE_NAMED = re.compile("|".join(pattern.pattern for pattern, _ in _SOURCE_TERMS), re.I)
# Words that make a question about posts ask for money: the cost of posts, an amount.
_POST_MONEY = re.compile(r"员额资源|员额经费|员额费用|员额开支|钱|美元|\bpost (?:resources|costs)\b|\bcost of (?:the )?posts\b|\bdollars?\b|\bUSD\b|\bhow much\b", re.I)
# Names shaped like a Secretariat entity: "经济和社会事务部", "the Office of Legal Affairs".
_ENTITY_ZH = re.compile(r"[\u4e00-\u9fff]{2,14}?(?:事务部|事务厅|行动部|管理部|支助部|办事处|办公室|事务署|委员会)")
_ENTITY_EN = re.compile(r"\b(?:Department|Office) (?:of|for) (?:the )?[A-Z][A-Za-z-]*(?: (?:and |of |for |the )?[A-Z][A-Za-z-]*)*")
# Field missions, named the United Nations way: "联合国伊拉克援助团" and its short form "联伊援助团",
# "the United Nations Assistance Mission in Somalia", or an acronym such as "UNSMIL".
_MISSION_ZH = re.compile(r"联(?:合国)?[\u4e00-\u9fff]{1,12}?(?:援助团|核查团|支助团|特派团|综合办事处|综合办)")
_MISSION_EN = re.compile(
    r"\bUnited Nations (?:[A-Z][a-z]+ )*Mission (?:in|to|for|of) (?:the )?[A-Z][A-Za-z-]*(?: (?:and )?[A-Z][A-Za-z-]*)*"
    r"|\bUN[A-Z]{2,6}\b"
)
_NEXT_YEAR = re.compile(r"明年|下一年|\bnext year\b", re.I)
_THIS_YEAR = re.compile(r"今年|本年度|\bthis year\b|\bcurrent year\b", re.I)
_LAST_YEAR = re.compile(r"去年|上一年|前一年|\blast year\b|\bprevious year\b|\bprior year\b|\bthe year before\b", re.I)
# A thing a question points back to: "that review", "这项审查".  Budget nouns, bodies and function words
# are not such things.
_NOT_A_TOPIC_EN = frozenset(
    "the a an it its they there is was are were will would can could has have had does did do be been "
    "year years budget budgets amount amounts figure figures office offices department entity body bodies "
    "subprogramme subprogrammes component components post posts resources resource period section table "
    "paragraph part source sources same one estimate estimates appropriation expenditure total change".split()
)
_REFERRED_EN = re.compile(r"\b(?:that|this|these|those)\s+([a-z][a-z-]{2,}(?: [a-z][a-z-]+){0,3})", re.I)
_PHRASE_END = re.compile(r" (?:of|in|for|to|from|by|with|and|or|under)\b", re.I)
_REFERRED_ZH = re.compile(
    r"(?:这项|该项|这次|该次|此项|那项|这一|这个|那个)(?!预算|资源|经费|年|部|办|实体|构成部分|次级方案|员额|款|表|段|数字|金额)"
    r"([\u4e00-\u9fff]{2})"
)
# Kinds of post the staffing tables count among their grades and the notes under them single out
# ("a 包括 4 个临时员额"): the rows do not give them, the notes do.
_NOTED_POSTS = re.compile(
    r"临时员额|员额[^，。？?]{0,20}临时|\btemporary\b(?=.{0,40}\b(?:posts?|positions?)\b)|(?<=\bposts)\b.{0,40}\btemporary\b", re.I
)
# Glossary categories that name a topic of their own (an organ, a place, a mandate, a programme, an
# office holder), as opposed to budget vocabulary (sources, objects of expenditure, grades, counts).
_TOPIC_CATEGORIES = frozenset({"org", "geo", "mandate", "programme", "title"})
# Organs that propose, approve or review the budget: naming one ("秘书长拟议的", "as approved by the
# General Assembly") qualifies a figure, it does not change the subject.
BUDGET_ORGANS = frozenset({"秘书长", "大会", "第五委员会", "行政和预算问题咨询委员会"})
# Slots a question's first part takes from the whole question when it does not name them itself.
_SCOPE_SLOTS = ("bodies", "component", "subprogramme", "years")
# The document's "current" years: the proposal year, its appropriation year and the last actuals.
PROPOSAL_YEAR = 2024

# Objects of expenditure and categories of posts, as the tables label them, with the English
# forms the budget uses.  The Chinese labels are matched as printed; the English ones by word.
BREAKDOWN_TERMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("非员额", ("non-post", "non post", "nonpost")),
    ("其他工作人员费用", ("other staff costs",)),
    ("招待费", ("hospitality",)),
    ("咨询人", ("consultants", "consultant")),
    ("专家", ("experts",)),
    ("代表差旅", ("travel of representatives",)),
    ("工作人员差旅", ("travel of staff", "staff travel")),
    ("订约承办事务", ("contractual services",)),
    ("一般业务费用", ("general operating expenses",)),
    ("用品和材料", ("supplies and materials",)),
    ("家具和设备", ("furniture and equipment",)),
    ("房地改良", ("improvement of premises",)),
    ("赠款和捐助款", ("grants and contributions",)),
    ("专业及以上职类", ("professional and higher", "professional category", "professional posts", "professional staff")),
    ("一般事务及有关职类", ("general service and related", "general service")),
)
# Shorter Chinese names of the categories of posts ("一般事务人员", "专业人员").
_CATEGORY_NAMES_ZH: dict[str, tuple[str, ...]] = {
    "专业及以上职类": ("专业人员及以上", "专业及以上", "专业人员", "专业职类"),
    "一般事务及有关职类": ("一般事务人员", "一般事务职类", "一般事务类", "一般事务"),
}
# Post changes a staffing table lists: the table's own label ("设立", "裁撤", …), its English name, and
# the words a question asks for it with, in Chinese and in the English of budget documents.
POST_CHANGE_TERMS: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    ("设立", "establishment", re.compile(r"设立|新设|增设|新增(?:设)?|\bestablish(?:ed|ing|ment)?\b|\bnew posts?\b|\bcreat(?:e|ed|ion)\b", re.I)),
    ("裁撤", "abolition", re.compile(r"裁撤|撤销|\babolish(?:ed|ing)?\b|\babolition\b", re.I)),
    ("改叙", "reclassification", re.compile(r"改叙|\breclassif(?:y|ied|ication)\b", re.I)),
    ("改划", "conversion", re.compile(r"改划|转换|\bconver(?:t|ted|sion)\b|\breassign(?:ed|ment)?\b", re.I)),
    ("调动", "redeployment", re.compile(r"调动|调至|调往|\bredeploy(?:ed|ment)?\b|\brelocat(?:e|ed|ion)\b", re.I)),
)
_GRADE = re.compile(r"(?<![A-Za-z0-9])(USG|ASG|D-[12]|P-[1-5](?:/1)?|GS\s*\((?:PL|OL)\)|LL|NPO|FS)(?![A-Za-z0-9])", re.I)
_SUBPROGRAMME = re.compile(r"次级方案\s*([1-9一二三四五六七])(?![0-9])|subprogramme\s*([1-9])(?![0-9])", re.I)  # not a year
_ZH_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7}
COMPONENT_TERMS_EN: dict[str, tuple[str, ...]] = {
    "决策机关": ("policymaking organs", "policy-making organs"),
    "行政领导和管理": ("executive direction and management",),
    "方案支助": ("programme support",),
    "工作方案": ("programme of work",),
}


@dataclass(frozen=True)
class ParsedQuestion:
    """Everything later stages need to know about a question, parsed once."""

    text: str
    lang: Language
    kind: QuestionKind
    bodies: tuple[Body, ...] = ()
    component: str | None = None  # "选举援助", "决策机关"
    subprogramme: int | None = None
    funding: FundingSource | None = None  # the one source asked about; None when none or several are named
    fundings: tuple[FundingSource, ...] = ()  # every source named, in order ("经常预算和预算外资源")
    measure: Measure | None = None  # money, posts, percentage, count; None when no figure is asked
    years: tuple[int, ...] = ()
    basis: Basis | None = None
    after_recosting: bool = False
    breakdown: str | None = None  # a row label: "工作人员差旅", "P-4", "专业及以上职类"
    post_change: str | None = None  # a change a staffing table lists: "设立", "裁撤", "改叙", "改划", "调动"
    aggregate: Aggregate = Aggregate.VALUE
    change: ChangeKind | None = None
    citations: tuple[BlockReference, ...] = ()
    parts: tuple[str, ...] = ()
    is_follow_up: bool = False
    unknown_bodies: tuple[str, ...] = ()  # bodies named that the document does not cover
    relative_year: bool = False  # the year came from "next year" / "去年"
    other_topics: tuple[str, ...] = ()  # named things beyond the budget's rows: a mandate, a place, another organ
    ranks_bodies: bool = False  # asks which body leads ("哪个实体…最多", "Which office … most")
    unprinted: Unprinted | None = None  # a breakdown budgets never print ("held by women", "一年工资")
    named_measure: Measure | None = None  # the measure the question's words name, whatever its kind ("那员额呢？")
    ranks_rows: RankedRows | None = None  # asks which row of a body's tables leads ("哪个次级方案…最多")
    lists_rows: RankedRows | None = None  # asks the figure of every row of a kind ("按资金来源分别是多少")
    extreme: Extreme | None = None  # the end of a ranking asked for
    slots: frozenset[str] = field(default_factory=frozenset)  # slot names the question itself fills

    @property
    def body_keys(self) -> tuple[str, ...]:
        return tuple(body.key for body in self.bodies)

    @property
    def body(self) -> Body | None:
        return self.bodies[0] if self.bodies else None

    @property
    def asks_figure(self) -> bool:
        return self.kind in (QuestionKind.FIGURE, QuestionKind.COMPARE) and self.measure is not None

    def inherit(self, previous: ParsedQuestion) -> ParsedQuestion:
        """This follow-up with the slots it leaves out taken from the previous question's parse.

        "那 2023 年呢？" after a question on UNOCT's regular budget in 2024 keeps the body, the source
        and the measure, and replaces the year.
        """
        updates: dict[str, object] = {"is_follow_up": True}
        for name in ("bodies", "component", "subprogramme", "funding", "fundings", "measure", "breakdown", "post_change", "basis", "years"):
            if name not in self.slots and getattr(previous, name):
                updates[name] = getattr(previous, name)
        if not self.other_topics and not self.slots & {"bodies", "component"} and previous.other_topics:
            updates["other_topics"] = previous.other_topics  # "2021 年的呢？" after a question on air tickets
        if "years" in self.slots and "basis" not in self.slots:
            updates["basis"] = None  # a new year takes that year's own basis
        if self.ranks_rows is None and previous.ranks_rows is not None and (self.extreme or "aggregate" not in self.slots):
            updates.update(ranks_rows=previous.ranks_rows, extreme=self.extreme or previous.extreme)
        if "aggregate" not in self.slots and previous.aggregate is not Aggregate.VALUE and "years" not in self.slots:
            updates["aggregate"] = previous.aggregate
        if previous.asks_figure and self.kind is QuestionKind.FACT and self.named_measure is not None and not self.other_topics:
            updates.update(kind=previous.kind, measure=self.named_measure)  # "那员额呢？": the same of another measure
        elif previous.asks_figure and (
            (self.kind in (QuestionKind.FACT, QuestionKind.LOOKUP) and "measure" not in self.slots)
            or (self.kind is QuestionKind.FACT and self.slots & {"years", "basis"})  # "那 2022 年实际支出呢？"
        ):
            updates["kind"] = previous.kind
        return replace(self, **updates)  # type: ignore[arg-type]


@dataclass
class Understanding:
    """Parses questions against one document's bodies, components and glossary."""

    registry: BodyRegistry
    components: tuple[str, ...]  # component and subprogramme titles the facts use
    glossary: Glossary | None = None
    outside_bodies: tuple[tuple[str, str], ...] = ()  # (name, English name) of bodies not in the document
    proposal_year: int = PROPOSAL_YEAR  # the year the document proposes a budget for: "next year"

    @classmethod
    def of(
        cls,
        document: Document,
        facts: list[Fact] | None = None,
        glossary: Glossary | None = None,
        registry: BodyRegistry | None = None,
    ) -> Understanding:
        """The parser of `document`'s questions; pass the facts and registry a caller already has."""
        registry = registry or BodyRegistry.of(document)
        facts = facts if facts is not None else extract_facts(document, registry)
        components = tuple(sorted({f.component for f in facts if f.component}, key=len, reverse=True))
        covered = {"".join(part.title.split()) for part in document.parts}
        outside = tuple((zh, en) for zh, en in OFFICIAL_ENGLISH_NAMES.items() if zh not in covered)
        outside += tuple(
            (form, en)
            for names, en, abbreviation in UN_SYSTEM_ENTITIES
            if not covered & {"".join(name.split()) for name in names}
            for form in (*names, abbreviation)
        )
        return cls(registry, components, glossary, outside, budget_year(document.symbol) or PROPOSAL_YEAR)

    def parse(self, question: str, previous: ParsedQuestion | None = None, *, is_follow_up: bool = False) -> ParsedQuestion:
        """Parse `question`; with `previous` and `is_follow_up`, inherit the slots it leaves out."""
        text = question.strip()
        lang = detect_language(text)
        slots: set[str] = set()
        citations, _ = cited_references(text)
        lookup, figure = asks_lookup(text), asks_figure(text)
        bodies = tuple(self.registry.find(text))
        if len(bodies) == 1 and bodies[0].key == SECTION_KEY and (_WHICH_BODY.search(text) or _EACH_BODY.search(text)):
            bodies = ()  # "which entity of section 3 …": the section is where to look, its entities the subject
        if bodies:
            slots.add("bodies")
        unknown = tuple(
            dict.fromkeys(
                name if lang == "zh" and has_han(name) and _names(text, name) else en
                for name, en in self.outside_bodies
                if _names(text, name) or _names(text, en)
            )
        )  # as the question names it in Chinese, else by its official English name
        if not bodies and not unknown:
            unknown = self._unlisted_entities(text)
        component, subprogramme = self._component(text, bodies)
        if component is not None or subprogramme is not None:
            slots.add("component")
            slots.add("subprogramme")
        fundings = _fundings(text)
        funding = fundings[0] if len(fundings) == 1 else None
        if fundings:
            slots.update(("funding", "fundings"))
        years, relative = _years(text, self.proposal_year)
        if years:
            slots.add("years")
        basis = None
        after = bool(_AFTER_RECOSTING.search(text)) and not _BEFORE_RECOSTING.search(text)
        if _BEFORE_RECOSTING.search(text):
            basis = Basis.ESTIMATE_BEFORE_RECOSTING
        else:
            basis = next((b for pattern, b in _BASIS_TERMS if pattern.search(text)), None)
        if basis is not None:
            slots.add("basis")
        breakdown = self._breakdown(text)
        if breakdown is not None:
            slots.add("breakdown")
        measure = self._measure(text, figure, breakdown)
        if measure is not None and (_POSTS.search(text) or _MONEY.search(text) or _PERCENT.search(text)):
            slots.add("measure")
        post_change = _post_change(text) if measure is Measure.POSTS else None
        if post_change is not None:
            slots.add("post_change")
        aggregate, change = _aggregate(text, years)
        if not bodies and _EACH_BODY.search(text):
            aggregate = Aggregate.EACH
        if aggregate is not Aggregate.VALUE:
            slots.add("aggregate")
        if aggregate is Aggregate.PERCENTAGE and measure is None:
            measure = Measure.PERCENTAGE
        parts = tuple(split_question(text))
        kind = _kind(text, lookup, figure, aggregate, bodies, measure if breakdown is None else Measure.MONEY)
        if len(parts) >= 2 and kind is QuestionKind.FIGURE and _CONTRAST.search(text):
            kind = QuestionKind.COMPARE  # "… 是多少？比员额经费高还是低？": the parts' figures are compared
        ranks_rows = _ranked_rows(text)  # a row name beats a bare "which one" ("which one of its grades")
        ranks_bodies = ranks_rows is None and bool(_WHICH_BODY.search(text) and _EXTREME.search(text))
        lists_rows = None if ranks_bodies or ranks_rows is not None or subprogramme is not None else _listed_rows(text)
        rows_named = text
        if ranks_rows or lists_rows:  # "开支项目" names the rows, not a project the budget rows do not list
            for pattern, _ in _RANKED_ROW_TERMS:
                rows_named = pattern.sub(" ", rows_named)
        topics = self._other_topics(rows_named, bodies, component)
        unprinted = unprinted_breakdown(text)
        if unprinted is Unprinted.PERSON and kind is QuestionKind.FACT:  # "what is X paid": an amount
            kind, measure = QuestionKind.FIGURE, measure or Measure.MONEY
        if lists_rows is not None and kind in (QuestionKind.FACT, QuestionKind.LIST):
            kind = QuestionKind.FIGURE  # "按支出用途怎么分": the figures of the rows
        rows_asked = ranks_rows or lists_rows
        if rows_asked is RankedRows.FUNDING and "measure" in slots:
            # "资金来源" / "funding source" name the rows, not the measure ("按资金来源分别有几个员额")
            unnamed = next(p for p, rows in _RANKED_ROW_TERMS if rows is RankedRows.FUNDING).sub(" ", text)
            if not (_POSTS.search(unnamed) or _MONEY.search(unnamed) or _PERCENT.search(unnamed)):
                slots.discard("measure")
                measure = None
        if rows_asked is not None and measure in (None, Measure.COUNT):  # "the biggest expense line": the rows' amounts
            measure = Measure.POSTS if rows_asked is RankedRows.GRADE else Measure.MONEY
        parsed = ParsedQuestion(
            text=text,
            lang=lang,
            kind=kind,
            bodies=bodies,
            component=component,
            subprogramme=subprogramme,
            funding=funding,
            fundings=fundings,
            measure=measure if kind in (QuestionKind.FIGURE, QuestionKind.COMPARE) else measure if aggregate is not Aggregate.VALUE else None,
            years=years,
            basis=basis,
            after_recosting=after,
            breakdown=breakdown,
            post_change=post_change,
            aggregate=aggregate,
            change=change,
            citations=citations,
            parts=parts,
            unknown_bodies=unknown,
            relative_year=relative,
            other_topics=topics,
            ranks_bodies=ranks_bodies,
            named_measure=measure if "measure" in slots else None,
            unprinted=unprinted,
            ranks_rows=ranks_rows,
            lists_rows=lists_rows,
            extreme=_extreme(text, aggregate),
            slots=frozenset(slots),
        )
        if previous is not None and is_follow_up:
            return parsed.inherit(previous)
        return parsed

    def split(self, parsed: ParsedQuestion) -> list[ParsedQuestion]:
        """The parts of a question that asks several things, each parsed; `[parsed]` for one.

        The first part keeps the scope (body, component, years) the whole question names; each later
        part fills the slots it leaves out from the part before it, as a follow-up does
        ("方案支助的非员额经费是多少？比员额经费高还是低？": the second part is about 方案支助 too).
        """
        if len(parsed.parts) < 2:
            return [parsed]
        out: list[ParsedQuestion] = []
        for text in parsed.parts:
            part = self.parse(text)
            if not out:
                scope = {name: getattr(parsed, name) for name in _SCOPE_SLOTS if name not in part.slots and getattr(parsed, name)}
                part = replace(part, **scope)  # type: ignore[arg-type]
            else:
                part = part.inherit(out[-1])
            out.append(replace(part, parts=(), is_follow_up=parsed.is_follow_up or part.is_follow_up))
        return out

    # ------------------------------------------------------------------ slots

    def _component(self, text: str, bodies: tuple[Body, ...]) -> tuple[str | None, int | None]:
        match = _SUBPROGRAMME.search(text)
        number = None
        if match:
            digit = match.group(1) or match.group(2)
            number = _ZH_DIGITS.get(digit) or int(digit)
        compact = "".join(text.split())
        for title in self.components:
            if title in compact and not any(title in alias for body in bodies for alias in body.aliases_zh):
                return title, number
        lowered = text.lower()
        for title, names in COMPONENT_TERMS_EN.items():
            if any(name in lowered for name in names) and title in self.components:
                return title, number
        if self.glossary is not None and re.search(r"[A-Za-z]{3}", text):
            for title in self.components:
                entry = self.glossary.by_zh(title)
                if entry is not None and any(
                    len(form) > 5 and re.search(rf"\b{re.escape(form)}\b", text, re.I) for form in entry.en_forms
                ):
                    return title, number
        return None, number

    def _unlisted_entities(self, text: str) -> tuple[str, ...]:
        """Secretariat entities and field missions the question names that are not bodies of this
        section (and not organs or components its tables list), e.g. "法律事务厅", "Department of
        Economic and Social Affairs", "联伊援助团", "UNSOM"."""
        patterns = (_ENTITY_ZH, _ENTITY_EN, _MISSION_ZH, _MISSION_EN)
        names = [entity_core(m.group(0)) for pattern in patterns for m in pattern.finditer(text)]
        listed = [*self.components, *(a for b in self.registry.bodies for a in (*b.aliases_zh, *b.aliases_en))]
        known_zh = [*listed, *(e.zh for e in self.glossary.entries if e.category == "org")] if self.glossary else listed
        unknown = []
        for name in names:
            if self.registry.find(name) or any(name in item or item in name for item in listed if len(item) > 3):
                continue
            if any(abbreviates(name, full) for full in known_zh):
                continue  # a short form of a body the document names ("巴勒斯坦委员会")
            if self.glossary is not None and (self.glossary.by_zh(name) is not None or self.glossary.match_english(name)):
                continue  # an organ the document speaks of (安全理事会, the Peacebuilding Commission)
            unknown.append(name)
        return tuple(unknown)

    def _other_topics(self, text: str, bodies: tuple[Body, ...], component: str | None) -> tuple[str, ...]:
        """Glossary terms the question names that are neither budget vocabulary nor its scope.

        "How much does DPPA spend on the Multi-Year Appeal?" names a programme the budget tables do
        not have a row for: its figure is in the narrative, not among the facts.
        """
        if self.glossary is None:
            return tuple(self._referred_things(text))
        names = [alias for body in bodies for alias in body.aliases_zh] + list(self.components)
        if component:
            names.append(component)
        entries = [entry for _, entry in self.glossary.find_terms(text)] + self.glossary.match_english(text)
        topics = []
        for entry in entries:
            if entry.category not in _TOPIC_CATEGORIES:
                continue
            if any(form in name or name in form for form in entry.zh_forms for name in names):
                continue
            if any(entry.zh == b.name_zh for b in self.registry.bodies) or self.registry.find(entry.en or ""):
                continue  # another name of a body in scope ("Office of the Special Coordinator")
            if entry.zh in BUDGET_ORGANS:
                continue  # the organs that appropriate and review every budget figure
            topics.append(entry.en or entry.zh)
        topics += self._referred_things(text)
        topics += [match.group(0) for match in _NOTED_POSTS.finditer(text)]
        return tuple(dict.fromkeys(topics))

    def _referred_things(self, text: str) -> list[str]:
        """Things the question points back to that no budget row lists: "that review", "这项审查"; not a
        body, a component or budget vocabulary."""
        phrases = [_PHRASE_END.split(m.group(1), maxsplit=1)[0] for m in _REFERRED_EN.finditer(text)]
        found = [phrase for phrase in phrases if not set(phrase.lower().split()) & _NOT_A_TOPIC_EN]
        found += [m.group(1) for m in _REFERRED_ZH.finditer(text)]
        listed = [item.lower() for item in self.components]
        return [
            thing
            for thing in found
            if not self.registry.find(thing) and not any(thing.lower() in item for item in listed)
        ]

    def _breakdown(self, text: str) -> str | None:
        grade = _GRADE.search(text)
        if grade:
            return re.sub(r"\s+", " ", grade.group(1).upper()).replace("GS (", "GS (")
        compact = "".join(text.split())
        lowered = text.lower()
        for label, english in BREAKDOWN_TERMS:
            if label in compact or any(re.search(rf"\b{re.escape(form)}\b", lowered) for form in english):
                return label
        for label, names in _CATEGORY_NAMES_ZH.items():
            if any(name in compact for name in names):
                return label
        if re.search(r"差旅|\btravel\b", text, re.I):
            return "差旅"
        if re.search(
            r"(?<!非)员额(?:资源|费用|经费|开支)|(?:用于|用在|花在)员额|\bpost (?:resources|costs)\b|\bcost of (?:the )?posts\b"
            r"|\bhow much\b.{0,40}?\b(?:for|on|to(?:wards)?) (?:the )?posts\b",  # money for posts, not a count of them
            text,
            re.I,
        ):
            return "员额"
        return None

    def _measure(self, text: str, asks_figure: bool, breakdown: str | None) -> Measure | None:
        if breakdown == "员额" or (breakdown and not _GRADE.match(breakdown) and "职类" not in breakdown):
            return Measure.MONEY
        asked = asked_measure(text)
        if asked_share(text):
            return Measure.PERCENTAGE  # "the vacancy rate of posts", "what share of posts": a percentage
        if _POSTS.search(text) and not _POST_MONEY.search(text):
            return Measure.POSTS  # "经常预算员额多少个", "post count from the regular budget"
        if breakdown is not None:
            return Measure.POSTS  # a grade or a category of posts
        if asked is Measure.PERCENTAGE and _PERCENT.search(text):
            return Measure.PERCENTAGE
        if asked is Measure.MONEY or (_MONEY.search(text) and asks_figure):
            return Measure.MONEY
        if asked is Measure.COUNT and asks_figure:
            return Measure.COUNT
        return None


# Words that cannot be inside a body's name: prepositions, particles, pronouns, adverbs, numbers and
# times ("2022年…在…委员会" names "…委员会" after "在").
_OUTSIDE_NAME_TAGS = ("p", "u", "r", "d", "m", "t", "y")


def entity_core(name: str) -> str:
    """The name an entity pattern matched, without the words before it that cannot be part of a name.

    >>> entity_core("年民间社会组织在巴勒斯坦委员会"), entity_core("法律事务厅")
    ('巴勒斯坦委员会', '法律事务厅')
    """
    if not has_han(name):
        return name
    words = tagged_words(name)
    start = 0
    for index, (_, tag) in enumerate(words[:-1]):
        if tag.startswith(_OUTSIDE_NAME_TAGS):
            start = index + 1
    return "".join(word for word, _ in words[start:]) or name


def abbreviates(short: str, full: str) -> bool:
    """`short` is a Chinese short form of `full`: it begins with the same character and its characters
    come in `full` in the same order, as Chinese abbreviations are made ("联非办" of
    "联合国驻非洲联盟办事处", "巴勒斯坦委员会" of "巴勒斯坦人民行使不可剥夺权利委员会").

    >>> abbreviates("联非办", "联合国驻非洲联盟办事处"), abbreviates("法律事务厅", "裁军事务厅")
    (True, False)
    """
    if not (has_han(short) and has_han(full)) or len(short) < 3 or short[0] != full[0] or short == full:
        return False
    rest = iter(full)
    return all(char in rest for char in short)


def asks_change(text: str) -> bool:
    """The question asks how much something changed ("增加了多少", "how much did it grow").

    >>> asks_change("近身保护的需求这几年增加了多少？"), asks_change("How much did travel fall?"), asks_change("有几个员额？")
    (True, True, False)
    """
    return _CHANGE.search(text) is not None


def _post_change(text: str) -> str | None:
    """The post change a question about posts asks for ("新设多少个员额", "posts to be abolished").

    >>> _post_change("反恐办拟新设几个员额？"), _post_change("How many posts are to be abolished?")
    ('设立', '裁撤')
    >>> _post_change("联非办有几个员额？") is None
    True
    """
    return next((label for label, _, pattern in POST_CHANGE_TERMS if pattern.search(text)), None)


def _names(text: str, name: str) -> bool:
    """`text` names `name`: Chinese as written, an English name as words (any case), an abbreviation
    as a word in capitals ("UNICEF", not "unicef" inside a word)."""
    if has_han(name):
        return name in text
    flags = 0 if name.replace("-", "").isupper() else re.I
    return re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text, flags) is not None


def _fundings(text: str) -> tuple[FundingSource, ...]:
    """The funding sources a question names, in the order it names them."""
    found: dict[FundingSource, int] = {}
    for pattern, source in _SOURCE_TERMS:
        match = pattern.search(text)
        if match:
            found.setdefault(source, match.start())
    return tuple(sorted(found, key=found.__getitem__))


def _years(text: str, proposal_year: int = PROPOSAL_YEAR) -> tuple[tuple[int, ...], bool]:
    """The years a question names, in order; "明年/next year" is the proposal year."""
    years = [int(y) for y in YEAR_RE.findall(text)]
    relative = False
    if not years:
        if _NEXT_YEAR.search(text):
            years, relative = [proposal_year], True
        elif _THIS_YEAR.search(text):
            years, relative = [proposal_year - 1], True
    return tuple(dict.fromkeys(years)), relative


def _aggregate(text: str, years: tuple[int, ...]) -> tuple[Aggregate, ChangeKind | None]:
    change_kind = None
    if re.search(r"技术调整|technical adjustment", text, re.I):
        change_kind = ChangeKind.TECHNICAL
    elif re.search(r"新的/扩大的任务|新任务|new (?:and|or) expanded mandates|new mandates", text, re.I):
        change_kind = ChangeKind.NEW_MANDATES
    if _DIFFERENCE.search(text) and not (len(years) >= 2 or _THAN_YEAR.search(text)):
        return Aggregate.DIFFERENCE, change_kind  # between two things; between two years it is a change
    if _LARGEST.search(text) and not _CHANGE.search(text):
        return Aggregate.LARGEST, change_kind
    if _SMALLEST.search(text) and not _CHANGE.search(text):
        return Aggregate.SMALLEST, change_kind
    if _CHANGE.search(text) or change_kind is not None or (len(years) == 2 and _COMPARE.search(text)):
        if _PERCENT.search(text):
            return Aggregate.PERCENTAGE, change_kind or ChangeKind.TOTAL
        return Aggregate.CHANGE, change_kind or ChangeKind.TOTAL
    if _TOTAL.search(text):
        return Aggregate.TOTAL, None
    return Aggregate.VALUE, None


def names_money(text: str) -> bool:
    """Whether `text` speaks of money (resources, a budget, an amount in dollars), whatever it asks."""
    return bool(_MONEY.search(text))


def _ranked_rows(text: str) -> RankedRows | None:
    """The kind of row a superlative question ranks: the row name nearest after its "哪/which"
    ("哪个次级方案的经费最多"), else the one it names ("经费最多的支出用途是哪个")."""
    if not _EXTREME.search(text):
        return None
    asks = [m.start() for m in _WHICH.finditer(text)]
    if not asks:
        return None
    named = [(m.start(), rows) for pattern, rows in _RANKED_ROW_TERMS for m in pattern.finditer(text)]
    if not named:
        return None
    after = [(start - ask, rows) for start, rows in named for ask in asks if 0 <= start - ask <= 40]
    return min(after, key=lambda item: item[0])[1] if after else min(named, key=lambda item: item[0])[1]


def _listed_rows(text: str) -> RankedRows | None:
    """The kind of row a question asks the figures of, row by row: a row name with a distributive
    word ("按资金来源分别是多少", "各职等的员额", "broken down by object of expenditure")."""
    if _EXTREME.search(text) or not _DISTRIBUTIVE.search(text):
        return None
    named = [(m.start(), rows) for pattern, rows in _RANKED_ROW_TERMS for m in pattern.finditer(text)]
    return min(named, key=lambda item: item[0])[1] if named else None


def _extreme(text: str, aggregate: Aggregate) -> Extreme | None:
    """HIGHEST or LOWEST for a superlative; the largest fall of a change is its LOWEST value."""
    if not _EXTREME.search(text):
        return None
    lowest = bool(_SMALLEST.search(text))
    if aggregate in (Aggregate.CHANGE, Aggregate.PERCENTAGE) and _DECREASE.search(text):
        lowest = not lowest
    return Extreme.LOWEST if lowest else Extreme.HIGHEST


def _kind(
    text: str, lookup: bool, figure: bool, aggregate: Aggregate, bodies: tuple[Body, ...], measure: Measure | None
) -> QuestionKind:
    if lookup:
        return QuestionKind.LOOKUP
    if _CHECKING.search(text) and _CHECKED_FIGURES.search(text):
        return QuestionKind.CHECK
    if asks_why(text):
        return QuestionKind.WHY
    if aggregate in (Aggregate.LARGEST, Aggregate.SMALLEST, Aggregate.DIFFERENCE) or (
        len(bodies) >= 2 and (_COMPARE.search(text) or _COMPARATIVE.search(text))
    ):
        return QuestionKind.COMPARE
    if figure or aggregate in (Aggregate.CHANGE, Aggregate.PERCENTAGE):
        return QuestionKind.FIGURE
    if measure is not None and (bodies or _SOURCE_NAMED.search(text)) and not asks_other(text):
        return QuestionKind.FIGURE  # "DPPA travel of staff 2024": a budget row of a body is a figure
    if _LIST.search(text) and measure is None:
        return QuestionKind.LIST
    return QuestionKind.FACT
