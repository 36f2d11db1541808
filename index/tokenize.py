"""Lexical tokens for the BM25 store, for Chinese and English text alike.

`tokenize(text)` turns a unit's text or a question into tokens in four passes:

1. **Symbols and grades first**, each kept whole and lowercased so that users' spellings meet
   the document's: UN document symbols ("A/77/83", "S/PRST/2021/2" → "s/prst/2021/2"),
   General Assembly resolutions ("72/262 C" → "72/262c", plus the bare "72/262" so that a
   question without the letter still meets it), Security Council and old-style resolutions
   ("1267 (1999)" → "1267(1999)", "1514 (XV)" → "1514(xv)", plus the number itself), emergency
   special session resolutions ("ES-10/17"), codes such as "COVID-19", and grades ("P-4",
   "P4" → "p-4"; "GS (OL)", "GS(OL)" → "gs(ol)"; "P-2/1" → "p-2/1").
2. **Numbers** (see `ingest.numeric.find_numbers`): a year ("2024") is its own token; any other
   number contributes `num:<significant digits>` (`canonical_token`): "51 212 800",
   "51,212,800", "5 121.28 万" and "51 212.8 千美元" all give "num:512128".  A figure a user
   rounds when writing it ("51.2 million" → "num:512") cannot be turned back into the exact one,
   so every number also contributes its value rounded (half up) to 2, 3 and 4 significant
   digits where it has more: "51 212 800" adds "num:51", "num:512" and "num:5121".  A written,
   rounded figure thus meets the exact one at the precision it was written with, whichever
   side (question or document) was rounded; an exact figure still matches best an exact one.
3. **Chinese** goes through jieba (one private `jieba.Tokenizer`, initialised lazily and once,
   its logging silenced) with the project's user dictionary (`resources/userdict.txt`: the
   glossary's Chinese forms and other terms of the document).  Granularity is that of jieba's
   `cut_for_search`, generalised: each word is kept, and a word longer than two characters also
   gives every dictionary word inside it, of any length ("给予殖民地国家和人民独立宣言执行情况
   特别委员会" also gives "特别委员会", "独立宣言", …), so that a long official name and its parts
   both match.  A glossary short form or variant also emits the full term ("政治建和部" →
   "政治和建设和平事务部"), so that either form in a question meets either in the document.
4. **Latin words** are lowercased and made singular ("posts" → "post").  Stopwords
   (`stopwords_zh.txt`, `stopwords_en.txt`) and punctuation are dropped.

`tokenize_query(text, glossary)` adds, for the English phrases of a question, the tokens of
their Chinese glossary terms, so that an English question can match the Chinese document.
`tokenize_english(text)` gives the tokens of the English field (the units' English versions):
passes 1, 2 and 4 only, Chinese characters left out.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import jieba
import jieba.posseg

from budgetqa.atomic import write_text
from budgetqa.index.glossary import Glossary, load_glossary, normalize_zh, singular
from budgetqa.ingest.numeric import canonical_token, find_numbers

USERDICT_RESOURCE = "userdict.txt"
STOPWORDS_ZH_RESOURCE = "stopwords_zh.txt"
STOPWORDS_EN_RESOURCE = "stopwords_en.txt"
NUMBER_PREFIX = "num:"
ROUNDED_PRECISIONS = (2, 3, 4)
_GENERATED_MARK = "# ---- generated from glossary.tsv"

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN_WORD = re.compile(rf"^[{_CJK}]+$")
_HAN_RUN = re.compile(rf"[{_CJK}]+")
_HAS_WORD_CHAR = re.compile(rf"[{_CJK}A-Za-z0-9]")
_YEAR = re.compile(r"^(?:19|20)\d\d$")

# Pass 1: symbols and grades.  Order matters: the first alternative that matches wins.
_SPECIAL_RE = re.compile(
    r"(?P<url>https?://\S+)"
    r"|(?P<es>(?<![A-Za-z0-9])ES-\d+/\d+)"
    r"|(?P<symbol>(?<![A-Za-z0-9])(?:A|S|E|ST|DP|UNEP)/(?:[A-Za-z]+[./])*\d+(?:[/.][A-Za-z0-9.]+)*(?:\s?\(Sect\.\s?\d+\)(?:/[A-Za-z0-9.\-]+)*)?)"
    r"|(?P<grade>(?<![A-Za-z0-9])(?i:[PD]\s?-?\s?[1-5](?:\s?/\s?1)?|GS\s?[-(]?\s?(?:PL|OL)\s?\)?)(?![A-Za-z0-9/]))"
    r"|(?P<gares>(?<![\d/.])\d{1,3}/\d{1,4}(?:\s?(?P<letter>[A-F])(?![A-Za-z]))?(?![\d/]))"
    r"|(?P<scres>(?<![\d/.])(?P<scnum>\d{2,4})\s?\(\s?(?P<scyear>(?:19|20)\d\d|[IVXL]{1,6})\s?\))"
    r"|(?P<code>(?<![A-Za-z0-9])[A-Za-z]{2,}-\d+(?![A-Za-z0-9]))"
)

_POSSESSIVE = re.compile(r"(?<=[A-Za-z])['’]s(?![A-Za-z])")
_jieba_lock = threading.Lock()


@dataclass(frozen=True)
class _Lexicon:
    """Everything the tokenizer loads once: jieba, stopwords and glossary aliases."""

    tokenizer: jieba.Tokenizer
    stop_zh: frozenset[str]
    stop_en: frozenset[str]
    aliases: dict[str, str]  # a Chinese short form or variant → the full glossary term


def _resource_text(name: str) -> str:
    return resources.files("budgetqa.index").joinpath("resources", name).read_text("utf-8")


def _word_list(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def _userdict_entries(text: str) -> list[tuple[str, int | None, str | None]]:
    """Lines `word [freq] [tag]` of the user dictionary; "#" lines are comments."""
    entries: list[tuple[str, int | None, str | None]] = []
    for line_no, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        word, freq, tag = parts[0], None, None
        for part in parts[1:]:
            if part.isdigit():
                freq = int(part)
            elif part.isalpha():
                tag = part
            else:
                raise ValueError(
                    f"{USERDICT_RESOURCE}:{line_no}: expected 'word [freq] [tag]', got {line!r}; "
                    "fix the line or regenerate the file with `python -m budgetqa.index.tokenize`"
                )
        entries.append((word, freq, tag))
    return entries


@cache
def _lexicon() -> _Lexicon:
    """Initialise jieba with the user dictionary, once per process (about 1 s)."""
    with _jieba_lock:
        jieba.setLogLevel(logging.WARNING)
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
        for word, freq, tag in _userdict_entries(_resource_text(USERDICT_RESOURCE)):
            tokenizer.add_word(word, freq, tag)
        glossary = load_glossary()
        aliases: dict[str, str] = {}
        for entry in glossary.entries:
            full = normalize_zh(entry.zh)
            for form in entry.zh_forms[1:]:
                key = normalize_zh(form)
                if _HAN_WORD.match(key) and key != full:
                    aliases.setdefault(key, full)
        return _Lexicon(
            tokenizer=tokenizer,
            stop_zh=frozenset(_word_list(_resource_text(STOPWORDS_ZH_RESOURCE))),
            stop_en=frozenset(_word_list(_resource_text(STOPWORDS_EN_RESOURCE))),
            aliases=aliases,
        )


# Bump when the tokenizer's code changes what it emits, so that persisted BM25 indexes rebuild.
TOKENIZER_VERSION = 1


@cache
def tokenizer_fingerprint() -> str:
    """Changes when the tokenizer's version, user dictionary, stopwords or glossary change."""
    digest = hashlib.sha256(f"{TOKENIZER_VERSION}|{jieba.__version__}".encode())
    for name in (USERDICT_RESOURCE, STOPWORDS_ZH_RESOURCE, STOPWORDS_EN_RESOURCE, "glossary.tsv"):
        digest.update(_resource_text(name).encode())
    return digest.hexdigest()[:16]


def warm_up() -> None:
    """Initialise jieba now rather than on the first `tokenize` call."""
    _lexicon()


@cache
def _tagger() -> jieba.posseg.POSTokenizer:
    return jieba.posseg.POSTokenizer(_lexicon().tokenizer)


def tagged_words(text: str) -> list[tuple[str, str]]:
    """jieba's words of `text` with their part-of-speech tags ("n" noun, "v" verb, …), cut with the
    project's user dictionary; a dictionary term without a tag of its own is tagged "x".

    >>> tagged_words("派了几个代表团出访")[-2:]
    [('代表团', 'n'), ('出访', 'v')]
    """
    return [(pair.word, pair.flag) for pair in _tagger().cut(text)]


# ------------------------------------------------------------------------------- numbers


def _round_digits(digits: str, precision: int) -> str:
    """Significant digits rounded half up to `precision` digits, trailing zeros dropped."""
    head = int(digits[:precision]) + (1 if digits[precision] >= "5" else 0)
    return str(head).rstrip("0") or "0"


def number_tokens(value: float) -> list[str]:
    """The tokens a number contributes: its canonical digits, then its rounded forms.

    >>> number_tokens(51_212_800)
    ['num:512128', 'num:51', 'num:512', 'num:5121']
    >>> number_tokens(51.2e6)
    ['num:512', 'num:51']
    """
    digits = canonical_token(round(value, 6))
    tokens = [NUMBER_PREFIX + digits]
    for precision in ROUNDED_PRECISIONS:
        if len(digits) > precision:
            token = NUMBER_PREFIX + _round_digits(digits, precision)
            if token not in tokens:
                tokens.append(token)
    return tokens


# ------------------------------------------------------------------------------- passes


def _special_tokens(match: re.Match[str]) -> list[str]:
    kind = match.lastgroup
    text = match.group(0)
    if kind == "url":
        return []
    if kind == "grade":
        compact = re.sub(r"\s", "", text).upper()
        if compact.startswith("GS"):
            return [f"gs({compact[-3:-1] if compact.endswith(')') else compact[-2:]})".lower()]
        level = compact[1:].lstrip("-")
        return [f"{compact[0].lower()}-{level}"]
    if kind == "gares":
        base = re.sub(r"\s", "", text[: len(text) - (1 if match.group("letter") else 0)]).strip()
        if match.group("letter"):
            return [base + match.group("letter").lower(), base]
        return [base]
    if kind == "scres":
        year = match.group("scyear").lower()
        number = match.group("scnum")
        tokens = [f"{number}({year})", *number_tokens(float(number))]
        if _YEAR.match(year):
            tokens.append(year)
        return tokens
    return [re.sub(r"\s", "", text).lower()]


def _numbers_in(text: str) -> list[tuple[int, int, list[str]]]:
    spans: list[tuple[int, int, list[str]]] = []
    for mention in find_numbers(text):
        literal = mention.text.strip("()%").lstrip("-−")
        if _YEAR.match(literal) and mention.value == mention.scaled:
            spans.append((mention.start, mention.end, [literal]))
        else:
            spans.append((mention.start, mention.end, number_tokens(abs(mention.scaled))))
    return spans


def _words(text: str, lex: _Lexicon) -> list[str]:
    """Chinese and Latin words of a text with no symbols or numbers left in it."""
    out: list[str] = []
    freq = lex.tokenizer.FREQ
    for word in lex.tokenizer.cut(text, HMM=True):
        word = word.strip()
        if not word or not _HAS_WORD_CHAR.search(word):
            continue
        if _HAN_WORD.match(word):
            if len(word) > 2:
                for size in range(2, len(word)):
                    for start in range(len(word) - size + 1):
                        sub = word[start : start + size]
                        if freq.get(sub) and sub not in lex.stop_zh:
                            out.append(sub)
            if word not in lex.stop_zh:
                out.append(word)
                if word in lex.aliases:
                    out.append(lex.aliases[word])
            continue
        for latin in re.findall(r"[A-Za-z0-9]+", word):
            latin = singular(latin.lower())
            if latin not in lex.stop_en and not latin.isdigit():
                out.append(latin)
    return out


def tokenize(text: str) -> list[str]:
    """Tokens of a Chinese or English text for the BM25 store (see the module docstring).

    >>> tokenize("2024 年员额为 51 212.8 千美元 (第 72/262 C 号决议, 1 个 P-4)")
    ['2024', '员额', 'num:512128', 'num:51', 'num:512', 'num:5121', '美元', '72/262c', '72/262', '决议', 'num:1', 'p-4']
    """
    if not text:
        return []
    lex = _lexicon()
    text = _POSSESSIVE.sub("", normalize_zh(text))
    spans: list[tuple[int, int, list[str]]] = []
    masked = list(text)
    for match in _SPECIAL_RE.finditer(text):
        spans.append((match.start(), match.end(), _special_tokens(match)))
        masked[match.start() : match.end()] = " " * (match.end() - match.start())
    spans.extend(_numbers_in("".join(masked)))
    spans.sort()
    tokens: list[str] = []
    pos = 0
    for start, end, span_tokens in spans:
        if start < pos:
            continue
        tokens.extend(_words(text[pos:start], lex))
        tokens.extend(span_tokens)
        pos = end
    tokens.extend(_words(text[pos:], lex))
    return tokens


def tokenize_english(text: str) -> list[str]:
    """Tokens of English text: symbols, grades, numbers and Latin words as in `tokenize` (lowercased,
    singular, English stopwords dropped); Chinese characters are left out.

    >>> tokenize_english("The posts of UNOAU (联非办) cost US$1,007,000 under resolution 72/262 C")
    ['post', 'unoau', 'cost', 'us', 'num:1007', 'num:1', 'num:101', 'resolution', '72/262c', '72/262']
    """
    return tokenize(_HAN_RUN.sub(" ", text))


def tokenize_query(text: str, glossary: Glossary) -> list[str]:
    """Tokens of a question: its own tokens, then those of its glossary expansion into Chinese.

    The English phrases of the question (in an English question, or the abbreviations in a
    Chinese one) are looked up in the glossary; the tokens of their Chinese terms are appended
    unless the question already has them.
    """
    tokens = tokenize(text)
    expansion = glossary.expand_english(text)
    if expansion:
        have = set(tokens)
        for token in tokenize(" ".join(expansion)):
            if token not in have:
                tokens.append(token)
                have.add(token)
    return tokens


# ------------------------------------------------------------------------------- user dictionary


def render_userdict(glossary: Glossary, current: str) -> str:
    """The user dictionary: its hand-kept part from `current`, then the glossary's Chinese words.

    jieba can only match words of Han characters, so forms with punctuation, Latin letters or
    digits are left to the tokenizer's own passes.
    """
    manual = current.split(_GENERATED_MARK, 1)[0].rstrip("\n")
    manual_words = {word for word, _, _ in _userdict_entries(manual)}
    generated: list[str] = []
    for entry in glossary.entries:
        for form in entry.zh_forms:
            word = normalize_zh(form)
            if len(word) >= 2 and _HAN_WORD.match(word) and word not in manual_words:
                generated.append(word)
    body = "\n".join(dict.fromkeys(generated))
    return (
        f"{manual}\n\n{_GENERATED_MARK} (do not edit below: run "
        f"`python -m budgetqa.index.tokenize` after changing the glossary)\n{body}\n"
    )


def write_userdict(path: Path | None = None) -> Path:
    """Regenerate the glossary part of the packaged user dictionary, atomically."""
    target = path or Path(__file__).with_name("resources") / USERDICT_RESOURCE
    current = target.read_text("utf-8") if target.exists() else ""
    text = render_userdict(load_glossary(), current)
    write_text(target, text)
    return target


if __name__ == "__main__":
    print(f"wrote {write_userdict()}")
