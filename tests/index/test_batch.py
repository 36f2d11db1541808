from __future__ import annotations

from budgetqa.index.batch import BatchError, BatchItem, read_batch


def test_follow_ups_join_the_session_of_the_line_they_follow() -> None:
    items = list(
        read_batch(
            [
                '{"id": "a", "question": "联非办 2024 年有多少员额？"}',
                '{"id": "b", "question": "那 2023 年呢？", "follow_up_of": "a"}',
                '{"id": "c", "question": "再之前呢？", "follow_up_of": "b"}',
            ]
        )
    )
    assert [item.session for item in items if isinstance(item, BatchItem)] == ["a", "a", "a"]


def test_bad_lines_become_errors_with_their_id_and_the_rest_still_run() -> None:
    items = list(
        read_batch(
            [
                "not json",
                '{"id": "x"}',
                '{"id": "y", "question": "q", "follow_up_of": "nope"}',
                '["a list"]',
                '{"id": "z", "question": "表 3.27"}',
            ]
        )
    )
    errors = [item for item in items if isinstance(item, BatchError)]
    assert [error.id for error in errors] == ["line 1", "x", "y", "line 4"]
    assert isinstance(items[-1], BatchItem) and items[-1].id == "z"
