"""Query language detection: the document is Chinese; questions come in Chinese or English."""

from __future__ import annotations

import re
from typing import Literal

Language = Literal["zh", "en"]

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def detect_language(text: str) -> Language:
    """"zh" when the text has Chinese characters in any real proportion, else "en".

    Questions mix scripts ("UNOAU 2024 年的员额？", "How many posts does 联非办 have?"): a Chinese word is
    about two characters, so a question counts as Chinese when its Chinese characters make at least as
    many words as its Latin words.

    >>> detect_language("政治建和部 2024 年的员额资源是多少？"), detect_language("How many posts does DPPA have?")
    ('zh', 'en')
    """
    cjk = len(_CJK.findall(text))
    words = len(_LATIN_WORD.findall(text))
    if cjk == 0:
        return "en"
    return "zh" if cjk / 2 >= words else "en"
