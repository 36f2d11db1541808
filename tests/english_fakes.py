"""FAKE English versions for tests: placeholder English for real segments, never the document's translation."""

from __future__ import annotations

from budgetqa.ingest.english import CheckName, EnglishVersion, Segment

FAKE_MODEL_SHA256 = "0" * 64


def fake_version(segment: Segment, english: str | None, *, passed: bool = True) -> EnglishVersion:
    """A FAKE version of `segment` with the placeholder `english`; a failed one fails its figure check."""
    checks = dict.fromkeys(CheckName, True) if passed else {**dict.fromkeys(CheckName, True), CheckName.FIGURES: False}
    return EnglishVersion(
        uid=segment.uid,
        kind=segment.kind,
        ref=segment.ref,
        source_sha256=segment.sha256,
        english=english if passed else None,
        checks=checks,
        failures=[] if passed else ["the figure 1 of the source is missing; copy it exactly as written"],
        attempts=1 if passed else 2,
        model_sha256=FAKE_MODEL_SHA256,
        rejected=None if passed else english,
    )
