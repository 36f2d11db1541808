"""The annex of post changes ("拟议员额变动汇总") as typed post changes.

A budget section's annex of post changes prints, body by body, each proposed change of posts in four
columns (员额, 职等, 说明, 变动原因) that the text extraction runs together line by line.  Two shapes
of entry occur:

- a *row*: the number of posts and the grade ("1 LL 在拉马拉设立 1 个……", or the counts and grades
  stacked one a line, "(1)" / "1" / "P-4" / "P-5"), then its description and reason;
- a *group*: a description that states a change and a number of posts ("改划某处 5 个员额，详情如下：")
  followed by the rows that list those posts; the reason column often restates the number
  ("拟议改划的 5 个员额……", "这 5 个员额的职能如下").

A sentence that states a number of posts before the groups it covers ("拟议将由自愿捐款供资的 24 个员额
改划为由经常预算供资") is a *summary*: its posts are every row listed until the next body.

:func:`annex_post_changes` reads the annex once and returns :class:`AnnexPostChange` s whose stated
counts and listed grades downstream code (the consistency audit) compares without re-reading text.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import partial

from .bodies import BodyRegistry
from .lines import clean_source
from .model import Annex, Document, LineSpan


class PostChangeKind(StrEnum):
    """What a post change does (the vocabulary of the annex and of questions about it)."""

    ESTABLISH = "establish"  # 设立, 新设, 增设
    ABOLISH = "abolish"  # 裁撤, 撤销
    RECLASSIFY = "reclassify"  # 改叙
    REDEPLOY = "redeploy"  # 调动, 调至, 调往
    CONVERT = "convert"  # 改划, 转换 (to another funding source)
    REASSIGN = "reassign"  # 改派, 调任, 重新分配


class EntryShape(StrEnum):
    """Which shape of the annex an entry was read from."""

    ROW = "row"  # counts and grades with their description
    GROUP = "group"  # a stated change of N posts and the rows under it
    SUMMARY = "summary"  # a stated number of posts covering the groups that follow, to the next body


@dataclass(frozen=True)
class ListedPosts:
    """One count and grade as the annex lists them: "7 P-4", "(1) P-4" (a post given up)."""

    count: int
    grade: str  # "P-4", "GS (OL)", "LL"
    line: int
    text: str  # as printed on its line: "7 P-4", "(1)", "1 GS" (its "(OL)" on the next line)
    given_up: bool = False  # printed in parentheses: the post leaves this grade (abolished, reclassified away)


@dataclass(frozen=True)
class StatedCount:
    """A number of posts a sentence of the annex states: "11 个员额", "这 4 个员额"."""

    count: int
    line: int
    text: str  # the phrase as printed, spaces normalised: "改划政策、知识管理和协调处 11 个员额"


@dataclass(frozen=True)
class AnnexPostChange:
    """One post change of the annex: what it does, the counts it states and the posts it lists."""

    annex: str  # the annex numeral: "三"
    shape: EntryShape
    kind: PostChangeKind | None  # None where the entry names no change (a post's functions only)
    body: str | None  # the body key of the enclosing body heading
    statement: str  # the sentence that states the change (a row: its first description line)
    line: int
    stated: tuple[StatedCount, ...]  # every number of posts stated for it (groups and summaries)
    listed: tuple[ListedPosts, ...]
    lines: LineSpan

    @property
    def posts_listed(self) -> int:
        """The posts the listed rows count: the counts not printed in parentheses."""
        return sum(item.count for item in self.listed if not item.given_up)


_KIND_WORDS: tuple[tuple[str, PostChangeKind], ...] = (
    ("改划", PostChangeKind.CONVERT),
    ("转换", PostChangeKind.CONVERT),
    ("改叙", PostChangeKind.RECLASSIFY),
    ("设立", PostChangeKind.ESTABLISH),
    ("新设", PostChangeKind.ESTABLISH),
    ("增设", PostChangeKind.ESTABLISH),
    ("裁撤", PostChangeKind.ABOLISH),
    ("撤销", PostChangeKind.ABOLISH),
    ("调动", PostChangeKind.REDEPLOY),
    ("调至", PostChangeKind.REDEPLOY),
    ("调往", PostChangeKind.REDEPLOY),
    ("改派", PostChangeKind.REASSIGN),
    ("调任", PostChangeKind.REASSIGN),
    ("重新分配", PostChangeKind.REASSIGN),
)
_VERB = "|".join(word for word, _ in _KIND_WORDS)
_KINDS = dict(_KIND_WORDS)
_GRADE = r"(?:USG|ASG|D-[12]|P-[1-5](?:/1)?|GS|LL|NPO|NO|FS|SS|TC)(?:\s*\((?:OL|PL)\))?"
_COUNT = r"\(?\d{1,3}\)?"
_ROW = re.compile(rf"^(?P<count>{_COUNT})\s+(?P<grade>{_GRADE})(?![A-Za-z0-9-])\s*(?P<rest>.*)$")
_LONE_COUNT = re.compile(rf"^{_COUNT}$")
_LONE_GRADE = re.compile(rf"^{_GRADE}$")
_GRADE_TAIL = re.compile(r"^\((?:OL|PL)\)$")  # "GS" and "(OL)" printed on two lines
_POSTS = r"(?P<n>\d+)\s*个\s*员额"
# A group's head: a change verb at the start of the description, then the unit, then "N 个员额".
_HEAD = re.compile(rf"(?P<verb>{_VERB})[^，。；：\d]{{0,40}}?{_POSTS}")
# The number restated: "这 4 个员额", "该 2 个员额", "拟议改划的 11 个员额".
_RESTATED = re.compile(rf"(?:这|该|上述|拟议(?:{_VERB})?的)\s*{_POSTS}")
# A summary: "N 个员额" followed at once by its change: "24 个员额改划为……".
_SUMMARY = re.compile(rf"{_POSTS}\s*(?P<verb>{_VERB})")
_Event = tuple[tuple[int, int], Callable[[], None]]  # (offset in the joined text, order at it), handler
_DESCRIPTION_CHARS = 60  # how far into a row's description its change verb is looked for
_SUBPROGRAMME = re.compile(r"^次级方案\s*\d")


def change_kind(text: str) -> PostChangeKind | None:
    """The first change verb of `text`, typed: "调动(地域)" → REDEPLOY, "改划" → CONVERT, "员额变动" → None."""
    match = re.search(_VERB, text)
    return _KINDS[match.group(0)] if match else None


def _grade(text: str) -> str:
    """A grade written one way: "GS(OL)" → "GS (OL)"."""
    return re.sub(r"\s*\(", " (", " ".join(text.split()))


def _listed(count: str, grade: str, line: int, text: str) -> ListedPosts:
    return ListedPosts(int(count.strip("()")), _grade(grade), line, " ".join(text.split()), count.startswith("("))


@dataclass
class _Open:
    """An entry being read: a group or a summary, until a body heading or the next of its kind."""

    shape: EntryShape
    kind: PostChangeKind | None
    statement: str
    line: int
    stated: list[StatedCount]
    listed: list[ListedPosts]
    last: int

    def close(self, annex: str, body: str | None) -> AnnexPostChange:
        span = LineSpan(self.line, max(self.last, self.line))
        return AnnexPostChange(annex, self.shape, self.kind, body, self.statement, self.line,
                               tuple(self.stated), tuple(self.listed), span)


def is_post_change_annex(annex: Annex) -> bool:
    """Whether `annex` is the annex of post changes ("……拟议员额变动汇总")."""
    return "员额变动" in "".join(annex.title.split())


def annex_post_changes(document: Document, registry: BodyRegistry | None = None) -> list[AnnexPostChange]:
    """Every post change of the document's annex of post changes, in the annex's order (none without one)."""
    registry = registry or BodyRegistry.of(document)
    out: list[AnnexPostChange] = []
    for annex in document.annexes:
        if is_post_change_annex(annex):
            raw = document.lines[annex.lines.first + 1 : annex.lines.last]  # the lines after the title
            out.extend(read_post_changes(annex.ref, raw, annex.lines.first + 2, registry))
    return out


def read_post_changes(annex: str, raw_lines: list[str], first_line: int, registry: BodyRegistry) -> list[AnnexPostChange]:
    """The post changes of an annex's raw text lines, the first of them numbered `first_line`."""
    source = clean_source(raw_lines)
    lines = [(line.number + first_line - 1, line.text.strip()) for line in source.lines]
    lines = [(number, text) for number, text in lines if text and not _is_column_header(text)]
    reader = _Reader(annex, lines, registry)
    return reader.read()


def _is_column_header(text: str) -> bool:
    return text.split() == ["员额", "职等", "说明", "变动原因"]


class _Reader:
    """Reads the lines of one annex into post changes: rows line by line, statements over the joined text."""

    def __init__(self, annex: str, lines: list[tuple[int, str]], registry: BodyRegistry) -> None:
        self.annex = annex
        self.lines = lines
        self.registry = registry
        self.joined = "".join(text for _, text in lines)
        self.starts: list[int] = []
        offset = 0
        for _, text in lines:
            self.starts.append(offset)
            offset += len(text)
        self.out: list[AnnexPostChange] = []
        self.body: str | None = None
        self.group: _Open | None = None
        self.summary: _Open | None = None

    def line_at(self, offset: int) -> int:
        return self.lines[bisect.bisect_right(self.starts, offset) - 1][0]

    def index_at(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset) - 1

    def read(self) -> list[AnnexPostChange]:
        events = sorted([*self._line_events(), *self._statement_events()], key=lambda event: event[0])
        for _, handle in events:
            handle()
        self._close_group()
        self._close_summary()
        return sorted(self.out, key=lambda change: (change.line, change.shape != EntryShape.SUMMARY))

    # ------------------------------------------------------------------ events

    def _line_events(self) -> list[_Event]:
        events: list[_Event] = []
        index = 0
        while index < len(self.lines):
            number, text = self.lines[index]
            following = self.lines[index + 1][1] if index + 1 < len(self.lines) else ""
            body = self._body_named(text, following)
            if body is not None or _SUBPROGRAMME.match(text):
                events.append(((self.starts[index], 0), partial(self._break, body)))
            row, used = self._row(index)
            if row:
                match = _ROW.match(text)
                after = index + used
                description = (match.group("rest") if match else "") or "".join(t for _, t in self.lines[after : after + 4])
                events.append(((self.starts[index], 2), partial(self._row_event, row, description, after)))
                index += used
                continue
            index += 1
        return events

    def _statement_events(self) -> list[_Event]:
        events: list[_Event] = []
        for match in _HEAD.finditer(self.joined):
            if match.start() in self.starts:  # a head begins the description column
                events.append(((match.start(), 1), partial(self._head, match)))
        for match in _RESTATED.finditer(self.joined):
            events.append(((match.start(), 3), partial(self._restated, match)))
        for match in _SUMMARY.finditer(self.joined):
            events.append(((match.start(), 3), partial(self._summary, match)))
        return events

    # ------------------------------------------------------------------ rows

    def _row(self, index: int) -> tuple[list[ListedPosts], int]:
        """The posts a row lists from line `index`, and how many lines they take (0: no row).

        The row's description is the rest of its line, or the line after stacked counts and grades."""
        number, text = self.lines[index]
        match = _ROW.match(text)
        if match:
            grade, used = match.group("grade"), 1
            printed = f"{match.group('count')} {grade}"  # as printed on the row's own line
            following = self.lines[index + 1][1] if index + 1 < len(self.lines) else ""
            if not match.group("rest") and _GRADE_TAIL.match(following):  # "1 GS" / "(OL)"
                grade, used = f"{grade} {following}", 2
            return [_listed(match.group("count"), grade, number, printed)], used
        counts: list[tuple[int, str]] = []
        at = index
        while at < len(self.lines) and _LONE_COUNT.match(self.lines[at][1]):
            counts.append(self.lines[at])
            at += 1
        grades = self.lines[at : at + len(counts)]
        if counts and len(grades) == len(counts) and all(_LONE_GRADE.match(g) for _, g in grades):
            return [_listed(c, g, n, f"{c} {g}") for (n, c), (_, g) in zip(counts, grades, strict=True)], 2 * len(counts)
        return [], 0

    def _row_event(self, listed: list[ListedPosts], description: str, after: int) -> None:
        statement = description[:_DESCRIPTION_CHARS]
        kind = change_kind(statement) if self.group is None else self.group.kind
        last = self.lines[min(after, len(self.lines) - 1)][0]
        self.out.append(AnnexPostChange(self.annex, EntryShape.ROW, kind, self.body, statement, listed[0].line,
                                        (), tuple(listed), LineSpan(listed[0].line, last)))
        for open_entry in (self.group, self.summary):
            if open_entry is not None:
                open_entry.listed.extend(listed)
                open_entry.last = last

    # ------------------------------------------------------------------ statements

    def _stated(self, match: re.Match[str], text: str | None = None) -> StatedCount:
        printed = " ".join((text if text is not None else match.group(0)).split())
        return StatedCount(int(match.group("n")), self.line_at(match.start("n")), printed)

    def _head(self, match: re.Match[str]) -> None:
        self._close_group()
        line = self.line_at(match.start())
        self.group = _Open(EntryShape.GROUP, _KINDS[match.group("verb")], " ".join(match.group(0).split()), line,
                           [self._stated(match)], [], line)

    def _restated(self, match: re.Match[str]) -> None:
        if self.group is not None:
            self.group.stated.append(self._stated(match))

    def _summary(self, match: re.Match[str]) -> None:
        if self.group is not None:
            return
        self._close_summary()
        line = self.line_at(match.start())
        sentence_start = max(self.joined.rfind(mark, 0, match.start()) for mark in "。；：") + 1
        head = self.starts[self.index_at(match.start())]
        start = max(sentence_start, head)
        end = min((i for i in (self.joined.find(mark, match.end()) for mark in "。；") if i >= 0), default=len(self.joined))
        sentence = self.joined[start : end + 1]
        if self._body_named(sentence.split("  ", 1)[0] + "  ") is not None:  # the body heading shares the line
            sentence = sentence.split("  ", 1)[-1].strip()
        self.summary = _Open(EntryShape.SUMMARY, _KINDS[match.group("verb")], sentence, line,
                             [self._stated(match)], [], line)

    # ------------------------------------------------------------------ scopes

    def _body_named(self, text: str, following: str = "") -> str | None:
        """The body a heading line names: the whole line, the line before a wide gap ("反恐怖主义办公室
        拟议……"), or a name wrapped onto the next line; a name inside a sentence is no heading."""
        for body in self.registry.bodies:
            if body.part is None:
                continue
            for name in (body.name_zh, *body.aliases_zh):
                name = "".join(name.split())
                if len(name) <= 3:
                    continue
                if text == name or text.startswith(name + "  "):
                    return body.key
                if len(text) < len(name) and name.startswith(text) and following.startswith(name[len(text):]):
                    return body.key
        return None

    def _break(self, body: str | None) -> None:
        self._close_group()
        self._close_summary()
        if body is not None:
            self.body = body

    def _close_group(self) -> None:
        if self.group is not None:
            self.out.append(self.group.close(self.annex, self.body))
            self.group = None

    def _close_summary(self) -> None:
        if self.summary is not None:
            self.out.append(self.summary.close(self.annex, self.body))
            self.summary = None
