"""Write the project's notebooks from their cells, so that they are reviewed as code.

    .venv/bin/python notebooks/make_notebooks.py      # rewrites notebooks/*.ipynb (without outputs)

The test suite executes both notebooks top to bottom (tests/eval/test_notebooks.py).
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

SETUP = """\
import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # everything runs offline: no model is ever downloaded here

import pandas as pd

pd.set_option("display.max_colwidth", 120)
pd.set_option("display.width", 200)
"""

WALKTHROUGH = [
    new_markdown_cell(
        "# budgetqa walkthrough\n\n"
        "From the raw text of A/78/6 (Sect. 3) to cited answers and an evaluation: **ingest** → the **document "
        "model** → **search** in Chinese and English → **answers with citations** → **evaluation** on the packaged "
        "dev set, with plots.\n\n"
        "The first run builds the search index into `~/.cache/budgetqa` (a few minutes); later runs reopen it."
    ),
    new_code_cell(SETUP),
    new_markdown_cell(
        "## 1. Ingest\n\nThe bundled document is a PDF-to-text extraction: page headers and footers, URL lines "
        "and flattened tables. `parse_document` turns it into typed blocks."
    ),
    new_code_cell(
        """\
from budgetqa.ingest.parser import parse_document
from budgetqa.settings import Settings

settings = Settings.from_env()
document = parse_document(settings.document_path())
print(document.symbol, document.title, f"— {len(document.lines)} source lines")
pd.Series(
    {
        "parts": len(document.parts),
        "paragraphs": len(document.paragraphs),
        "tables": len(document.tables),
        "figures": len(document.figures),
        "annexes": len(document.annexes),
    },
    name="blocks",
).to_frame()"""
    ),
    new_code_cell(
        """\
# What the parser removed from the text as page debris
pd.Series(document.report.debris_removed, name="lines removed").to_frame()"""
    ),
    new_markdown_cell(
        "## 2. The document model\n\nEvery paragraph keeps its number, its source lines and its place in the "
        "headings; every table its caption, unit, columns and parsed rows."
    ),
    new_code_cell(
        """\
paragraph = document.paragraph("3.144")
print(f"¶{paragraph.ref}  lines {paragraph.lines.first}–{paragraph.lines.last}")
print(" > ".join(paragraph.section))
print(paragraph.text)"""
    ),
    new_code_cell(
        """\
table = document.table("3.24")
print(f"表 {table.ref} {table.caption} ({table.unit})")
pd.DataFrame(
    [[cell.text for cell in row.cells] for row in table.rows],
    index=[row.label for row in table.rows],
    columns=table.columns,
)"""
    ),
    new_markdown_cell(
        "## 3. Search in both languages\n\nThe index is hybrid: BM25 over jieba tokens (English questions are "
        "expanded into Chinese through the glossary) and two multilingual encoders, fused. A reference such as "
        "`table 3.27` is looked up directly."
    ),
    new_code_cell(
        """\
from budgetqa.index.service import SearchService

search = SearchService.open(settings)


def show_hits(question: str, k: int = 5) -> pd.DataFrame:
    hits = search.search(question, top_k=k)
    return pd.DataFrame(
        [
            {"kind": h.unit.kind.value, "ref": h.unit.ref, "score": round(h.score, 4), "text": h.unit.text[:80]}
            for h in hits
        ]
    )


show_hits("政治建和部 2024 年的员额资源是多少？")"""
    ),
    new_code_cell("""show_hits("How much is proposed for special political missions in 2024?")"""),
    new_code_cell("""show_hits("table 3.27", k=3)"""),
    new_markdown_cell(
        "## 4. Answers with citations\n\nThe default answerer is extractive (no LLM): it answers with the "
        "document's own figure and cites where it stands; every figure is verified against the cited units, and "
        "it abstains when the document does not say."
    ),
    new_code_cell(
        """\
from budgetqa.qa.service import QAService

qa = QAService(search)


def show_answer(question: str, session_id: str | None = None) -> None:
    answer = qa.ask(question, session_id=session_id)
    print(question)
    print("→", answer.text)
    print("  cites:", ", ".join(f"{c.kind} {c.ref}" for c in answer.citations) or "—",
          "| abstained" if answer.abstained else f"| confidence {answer.confidence:.2f}")
    print()


show_answer("政治建和部 2024 年的员额资源是多少？")
show_answer("How much is proposed for special political missions in 2024?")
show_answer("What does paragraph 3.115 say?")
show_answer("联合国秘书长的年薪是多少？")  # the document does not say: the answer should abstain"""
    ),
    new_code_cell(
        """\
# A conversation: the follow-up is understood from the earlier turn
show_answer("政治建和部 2024 年的员额资源是多少？", session_id="demo")
show_answer("那 2022 年呢？", session_id="demo")"""
    ),
    new_markdown_cell(
        "## 5. Evaluation\n\nThe packaged dev set, scored as `budgetqa eval --no-answers --baseline bm25-only "
        "--baseline dense-only` does (the LangChain baselines, which embed the whole text again, and the answers "
        "are left to the command): the tool beside its own retrievers alone."
    ),
    new_code_cell(
        """\
import tempfile
from pathlib import Path

from budgetqa.eval.evaluate import BM25_ONLY, DENSE_ONLY, EvalOptions, evaluate_gold
from budgetqa.eval.gold import default_gold_path, load_gold
from budgetqa.eval.report import write_report

gold = load_gold(default_gold_path())
options = EvalOptions(gold_paths=(default_gold_path(),), out_dir=Path(tempfile.mkdtemp()), answers=False,
                      baselines=(BM25_ONLY, DENSE_ONLY))
report = evaluate_gold(qa, gold, gold_name="dev_qa.jsonl", options=options)
written = write_report(report, options.out_dir)
pd.DataFrame(
    {
        (system.name, lang): {m: system.groups[lang].metric(m) for m in ("hit@1", "hit@5", "hit@10", "mrr@10", "ndcg@10")}
        for system in report.systems
        for lang in ("zh", "en")
    }
).T.round(3)"""
    ),
    new_code_cell(
        """\
from IPython.display import Image, display

display(Image(filename=str(options.out_dir / "retrieval_by_language.png")))
display(Image(filename=str(options.out_dir / "retrieval_by_type.png")))"""
    ),
    new_code_cell(
        """\
# Every per-question result is in results.json; the questions the tool misses at 5:
misses = [
    (q.id, q.lang, q.type, q.question)
    for q in gold
    if q.answerable and report.tool.retrieval.per_question[q.id].accuracy_at_k[5] == 0
]
pd.DataFrame(misses, columns=["id", "lang", "type", "question"])"""
    ),
]

TABLES = [
    new_markdown_cell(
        "# The budget tables as DataFrames\n\n"
        "表 3.24 (resources by object of expenditure) and 表 3.27 (resources by fund source, component and "
        "subprogramme) built from the parsed table rows and cells, their sums checked against the document's own "
        "共计 / 小计 rows, and charts of resources by subprogramme and by year.\n\n"
        "Figures are in thousands of US dollars (千美元); a dash (—) is a nil value."
    ),
    new_code_cell(SETUP),
    new_code_cell(
        """\
import math

import matplotlib.pyplot as plt

from budgetqa.index.glossary import load_glossary
from budgetqa.ingest.model import Table
from budgetqa.ingest.parser import parse_document
from budgetqa.settings import Settings

document = parse_document(Settings.from_env().document_path())
glossary = load_glossary()


def table_frame(table: Table) -> pd.DataFrame:
    \"\"\"One row per table row (sub-part, group and label as columns), one numeric column per table column;
    nil cells (—) are 0, empty cells NaN.\"\"\"
    records = []
    for row in table.rows:
        record = {"part": row.part or "", "group": row.group or "", "label": row.label, "is_total": row.is_total}
        for column, cell in zip(table.columns, row.cells, strict=True):
            record[column] = 0.0 if cell.is_nil else (math.nan if cell.value is None else cell.value)
        records.append(record)
    return pd.DataFrame(records)


def check_sum(parts: pd.DataFrame, total: pd.Series, columns: list[str], what: str) -> None:
    \"\"\"Assert that the rows of `parts` add up to the `total` row in every column (to the printed rounding).\"\"\"
    for column in columns:
        expected = total[column]
        got = parts[column].fillna(0).sum()
        tolerance = 0.05 * (len(parts) + 1) + 1e-9  # every printed figure, the total too, is rounded to 0.1
        assert abs(got - (0 if math.isnan(expected) else expected)) <= tolerance, (what, column, got, expected)
    print(f"✓ {what}: {len(parts)} rows add up to the printed total in {len(columns)} columns")"""
    ),
    new_markdown_cell("## 表 3.24 — resources by object of expenditure"),
    new_code_cell(
        """\
t324 = document.table("3.24")
print(f"表 {t324.ref} {t324.caption} ({t324.unit})")
df324 = table_frame(t324)
df324.drop(columns=["part", "group"])"""
    ),
    new_code_cell(
        """\
amount_columns = [c for c in t324.columns if "百分比" not in c]  # percentages do not add up
objects = df324[~df324.is_total]
total = df324[df324.label == "共计"].iloc[0]
check_sum(objects, total, amount_columns, "表 3.24 objects of expenditure → 共计")
assert total["2024 年估计(重计费用前)"] == 51212.8
assert df324.set_index("label").loc["员额", "2024 年估计(重计费用前)"] == 47270.9"""
    ),
    new_markdown_cell(
        "## 表 3.27 — resources by fund source, component and subprogramme\n\n"
        "Two sub-parts, (1) the regular budget and (2) extrabudgetary resources. For 2023 the regular budget "
        "shows its appropriation (批款) and the extrabudgetary part its estimate (估计); the grand total (共计) "
        "adds the two."
    ),
    new_code_cell(
        """\
t327 = document.table("3.27")
print(f"表 {t327.ref} {t327.caption} ({t327.unit})")
df327 = table_frame(t327)
df327["2023 年"] = df327["2023 年批款"].fillna(df327["2023 年估计"])
df327.drop(columns=["is_total"])"""
    ),
    new_code_cell(
        """\
years = ["2022 年支出", "2023 年", "2024 年估计(重计费用前)"]
for part in t327.sub_parts:
    rows = df327[df327.part == part]
    subprogrammes = rows[(rows.group == "C. 工作方案") & ~rows.is_total]
    subtotal_c = rows[rows.label == "小计(C)"].iloc[0]
    check_sum(subprogrammes, subtotal_c, years, f"{part}: subprogrammes 1–7 → 小计(C)")
    components = pd.concat([rows[rows.label.str.match(r"^[ABD]\\. ")], rows[rows.label == "小计(C)"]])
    subtotal = rows[rows.label.str.startswith("小计(") & (rows.label != "小计(C)")].iloc[0]
    check_sum(components, subtotal, years, f"{part}: components A + B + C + D → {subtotal.label}")

subtotals = df327[df327.label.isin(["小计(1)", "小计(2)"])]
grand_total = df327[df327.label == "共计"].iloc[0]
check_sum(subtotals, grand_total, years, "表 3.27 regular + extrabudgetary → 共计")
# The regular-budget subtotal of 表 3.27 is the total of 表 3.24
assert df327.set_index("label").loc["小计(1)", "2024 年估计(重计费用前)"] == total["2024 年估计(重计费用前)"]"""
    ),
    new_markdown_cell(
        "## Resources by subprogramme and by year\n\nLabels in English from the project's UN glossary."
    ),
    new_code_cell(
        """\
sub = df327[(df327.group == "C. 工作方案") & ~df327.is_total].copy()
sub["subprogramme"] = sub.label.map(glossary.english_label)
sub["fund"] = sub.part.map(lambda p: glossary.english_label(p).split(") ", 1)[-1])
by_subprogramme = sub.pivot_table(index="subprogramme", columns="fund", values="2024 年估计(重计费用前)", aggfunc="sum")
by_subprogramme = by_subprogramme.loc[by_subprogramme.sum(axis=1).sort_values().index]

fig, axes = plt.subplots(1, 2, figsize=(15, 5))
by_subprogramme.plot.barh(stacked=True, ax=axes[0])
axes[0].set_title("2024 estimate by subprogramme (thousands of USD)")
axes[0].set_ylabel("")

by_year = sub.groupby("fund")[years].sum().T
by_year.index = [glossary.english_label(y) for y in years]
by_year.plot.bar(stacked=True, ax=axes[1], rot=0)
axes[1].set_title("Subprogrammes 1–7 by year (thousands of USD)")
fig.tight_layout()
plt.show()
by_year.round(1)"""
    ),
]


def write(name: str, cells: list) -> Path:
    notebook = new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.metadata["language_info"] = {"name": "python"}
    nbformat.validate(notebook)
    path = HERE / name
    tmp = path.with_suffix(".ipynb.tmp")
    nbformat.write(notebook, str(tmp))
    tmp.replace(path)
    return path


def main() -> None:
    for name, cells in (("01_walkthrough.ipynb", WALKTHROUGH), ("02_tables.ipynb", TABLES)):
        print(write(name, cells))


if __name__ == "__main__":
    main()
