"""What kind of figure a question asks for, and what a count question counts.

"员额资源是多少" asks for money (the cost of posts); "有几个员额" asks for a number of posts; "what
share" asks for a percentage; "几个代表团" counts delegations.
"""

from __future__ import annotations

import re

from budgetqa.index.tokenize import tagged_words
from budgetqa.ingest.budget import Measure

_POSTS = re.compile(
    r"(几|多少)个?(员额|职位)|员额(数|数目|总数|有多少个)|有几个|\bhow many\s+(?:[\w-]+\s+){0,4}posts\b"
    r"|\bnumber of\s+(?:[\w-]+\s+){0,4}posts\b"
    r"|\bposts? (are|does|do|will)\b",
    re.IGNORECASE,
)
# "How much" asks for an amount, except of use: "how much was the portal used" asks how often.
HOW_MUCH_MONEY = r"\bhow much\b(?![^?？]{0,40}?\b(?:used|utili[sz]ed|consulted|visited|accessed|viewed|attended|downloaded)\b)"
_MONEY = re.compile(
    r"钱|经费|资金|美元|资源|预算|拨款|批款|支出|费用|数额|金额|" + HOW_MUCH_MONEY + r"|\bfund(s|ing|ed)?\b|\bbudget|\bdollars?\b|\busd\b"
    r"|\bresources\b|\bextrabudgetary\b|\bcosts?\b|\bappropriat|\bexpenditure|\bspen[dt]",
    re.IGNORECASE,
)
_COUNTED = re.compile(r"\bhow many\b|(?:几|多少)(?:个|名|次|份|项|辆|家|场|起|位|所|期|届|轮|批)", re.IGNORECASE)
_PERCENT = re.compile(
    # "占" only as a share ("占比", "所占", "占多少"): "被占领土" is the Occupied Territory.  Compliance is a rate.
    r"百分|比例|比率|(?<!效)率|几成|占比|所占|占了?(?:多少|几)|%|\bshare\b|\bproportion\b|\bper ?cent|\bpercentage\b"
    r"|\brates?\b|\bcompliance\b",
    re.IGNORECASE,
)


def asked_share(question: str) -> bool:
    """The question asks for a rate or a share, whatever it counts ("员额空缺率", "what share of posts").

    >>> asked_share("政治建和部专业员额的空缺率是多少？"), asked_share("What share of posts are P-4?")
    (True, True)
    >>> asked_share("政治建和部有几个员额？"), asked_share("巴勒斯坦被占领土的损失登记册有几个员额？")
    (False, False)
    >>> asked_share("与会者当中青年占多少？"), asked_share("How was compliance with the travel policy?")
    (True, True)
    """
    return bool(_PERCENT.search(question))


def asked_measure(question: str) -> Measure:
    """The kind of figure `question` asks for.

    >>> asked_measure("反恐办的员额经费有多少？"), asked_measure("损失登记册有几个员额？")
    (<Measure.MONEY: 'money'>, <Measure.POSTS: 'posts'>)
    >>> asked_measure("How many regional organizations does the Office work with?")
    <Measure.COUNT: 'count'>
    >>> asked_measure("How much was the online registry used last year?")
    <Measure.COUNT: 'count'>
    """
    if _POSTS.search(question):
        return Measure.POSTS
    if _PERCENT.search(question):
        return Measure.PERCENTAGE
    if _COUNTED.search(question):
        return Measure.COUNT  # "how many … funds" counts funds
    if _MONEY.search(question):
        return Measure.MONEY
    return Measure.COUNT


# "几个" / "多少份": a count word and its measure word, after which comes what is counted.
_COUNT_WORD = re.compile(r"(?:几|多少)(?P<measure_word>个|名|次|份|项|辆|家|场|起|位|所|期|届|轮|批)?")
_HAN = re.compile(r"^[\u4e00-\u9fff]+$")
MAX_COUNTED_CHARS = 8
_COORDINATORS = frozenset({"、", "和", "及", "与", "或"})


def counted_noun(question: str) -> str | None:
    """What a Chinese count question counts: the noun phrase after "几个" / "多少份".

    The words after the count word are tagged by jieba; the phrase runs to its first noun (a
    dictionary term counts as one) and on through the nouns that follow it, so that a verb after
    the noun ("代表团出访") ends it and a modifier before it ("索赔申请表") stays in it.  A long or
    coordinated phrase ("巴勒斯坦社会经济状况报告", "选举技术、咨询和审查团") gives its head, the
    last noun, which is what the evidence must count.

    >>> counted_noun("委员会去年派了几个代表团出访？")
    '代表团'
    >>> counted_noun("登记册今年收到了多少份索赔申请表？"), counted_noun("联非办有多少钱？")
    ('索赔申请表', None)
    >>> counted_noun("一共派出多少个选举技术、咨询和审查团？"), counted_noun("要写几份巴勒斯坦社会经济状况报告？")
    ('审查团', '报告')
    >>> counted_noun("在纽约有多少工作人员？"), counted_noun("有多少经常预算资金？")
    ('工作人员', None)
    """
    for match in _COUNT_WORD.finditer(question):
        if match.group("measure_word") is None and asked_measure(question) is not Measure.COUNT:
            continue  # "多少预算外资金" asks an amount, "多少工作人员" a number
        words: list[str] = []
        head, end, coordinated, after_coordinator = "", 0, False, False
        for word, tag in tagged_words(question[match.end() :]):
            if word in _COORDINATORS:
                if not head:
                    break
                coordinated = after_coordinator = True
                continue
            # a verbal noun ("评估" assessment, "咨询" advice) names a thing as well as an action
            noun = bool(_HAN.match(word)) and (tag.startswith("n") or tag == "vn" or (tag == "x" and len(word) >= 2))
            modifier = bool(_HAN.match(word)) and tag[:1] in ("v", "a", "b")
            if not noun and not (modifier and (not head or after_coordinator)):
                break
            if noun:
                # a one-character noun keeps the word before it: "审查团" (审查 + 团), not "团"
                head = word if len(word) > 1 or not words or after_coordinator else words[-1] + word
                end = len(words) + 1
            words.append(word)
            after_coordinator = False
        if not head:
            continue
        phrase = "".join(words[:end])
        counted = head if coordinated or len(phrase) > MAX_COUNTED_CHARS else phrase
        if len(counted) >= 2:
            return counted
    return None


_HOW_MANY = re.compile(r"\bhow many\s+(?P<phrase>[A-Za-z][\w'’-]*(?:\s+[A-Za-z][\w'’-]*){0,5})", re.IGNORECASE)
# Words that end the noun phrase after "how many": verbs, auxiliaries, prepositions, relatives.
_PHRASE_END = frozenset(
    "are is was were be been do does did will would can could should shall may might have has had "
    "of in on at for to from by with under over during about per within between among across "
    "that which who whose whom got get gets received receive took take held hold sit sits "
    "remain remained".split()
)


def english_counted_phrase(question: str) -> str | None:
    """The words an English "how many" question counts, up to its verb or preposition.

    >>> english_counted_phrase("How many members of the panel were appointed?")
    'members'
    >>> english_counted_phrase("How many youth briefers were heard by the Council?"), english_counted_phrase("How much?")
    ('youth briefers', None)
    """
    match = _HOW_MANY.search(question)
    if match is None:
        return None
    words: list[str] = []
    for word in match.group("phrase").split():
        if word.lower() in _PHRASE_END:
            break
        words.append(word)
    return " ".join(words) or None
