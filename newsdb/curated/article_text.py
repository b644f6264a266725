"""Read an article's verbatim source file: header, body paragraphs and sentences.

The source file is the page as captured: title, subtitle, a timestamp line, then the
body paragraphs separated by blank lines. Page artefacts (such as a '관련기사' link
block) are named in the article's YAML and dropped from the body.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

# The time of the last update (수정) is optional: not every page shows one.
TIMESTAMP_LINE = re.compile(
    r"입력\s*:\s*(?P<published>\d{4}/\d{2}/\d{2} \d{2}:\d{2})"
    r"(?:\s+수정\s*:\s*(?P<updated>\d{4}/\d{2}/\d{2} \d{2}:\d{2}))?"
)
# A sentence ends at . ? ! (optionally followed by a closing quote or bracket) when the
# next character is whitespace, the end of the paragraph, or a Hangul syllable: the
# article runs two sentences together as '나선다.중국은'. Decimal points ('25.8%')
# are never followed by Hangul or whitespace, so they do not split.
SENTENCE_END = re.compile(r"[.?!][’”')]?(?=\s|$|[가-힣])")


@dataclass(frozen=True)
class Sentence:
    paragraph: int
    position: int
    text: str
    char_start: int
    char_end: int

    @property
    def key(self) -> str:
        return f"p{self.paragraph}-s{self.position}"


@dataclass(frozen=True)
class ArticleText:
    title_ko: str
    subtitle_ko: str | None  # None: the page has no subtitle
    published_at: str
    updated_at: str | None  # None: the page shows no update time
    body_ko: str
    paragraphs: tuple[str, ...]


class ArticleFormatError(ValueError):
    def __init__(self, line: int | None, message: str):
        super().__init__(message)
        self.line = line


def read_source_text(raw: bytes) -> str:
    """Decode the captured page; a BOM and CRLF line endings are tolerated."""
    text = raw.decode("utf-8")
    return text.removeprefix("\ufeff").replace("\r\n", "\n")


def parse_article(text: str, utc_offset: str, drop_paragraphs: list[str]) -> ArticleText:
    """Title, then a subtitle if the page has one, then the timestamp line, then the body."""
    blocks = _blocks(text)
    if len(blocks) < 3:
        raise ArticleFormatError(
            None,
            "expected a title, a subtitle if the page has one, a timestamp line and at least "
            f"one body paragraph, separated by blank lines; found {len(blocks)} block(s)",
        )
    has_subtitle = not TIMESTAMP_LINE.search(blocks[1][1])
    subtitle = blocks[1][1] if has_subtitle else None
    stamp_line, stamp = blocks[2] if has_subtitle else blocks[1]
    body = blocks[3:] if has_subtitle else blocks[2:]
    if not body:
        raise ArticleFormatError(
            None,
            "expected a title, a subtitle if the page has one, a timestamp line and at least "
            f"one body paragraph, separated by blank lines; found {len(blocks)} block(s)",
        )
    match = TIMESTAMP_LINE.search(stamp)
    if not match:
        raise ArticleFormatError(
            stamp_line,
            "expected the timestamp line '입력 :YYYY/MM/DD HH:MM  수정: YYYY/MM/DD HH:MM'",
        )
    paragraphs = tuple(b for _, b in body if b not in drop_paragraphs)
    return ArticleText(
        title_ko=blocks[0][1],
        subtitle_ko=subtitle,
        published_at=_iso_timestamp(match["published"], utc_offset, stamp_line),
        updated_at=(_iso_timestamp(match["updated"], utc_offset, stamp_line)
                    if match["updated"] else None),
        body_ko="\n\n".join(paragraphs),
        paragraphs=paragraphs,
    )


def split_sentences(paragraphs: tuple[str, ...]) -> list[Sentence]:
    """Split the body into sentences with offsets into the body joined by blank lines."""
    sentences = []
    offset = 0
    for number, paragraph in enumerate(paragraphs, start=1):
        for position, (start, end) in enumerate(_sentence_spans(paragraph), start=1):
            sentences.append(
                Sentence(number, position, paragraph[start:end], offset + start, offset + end)
            )
        offset += len(paragraph) + 2
    return sentences


def _sentence_spans(paragraph: str) -> list[tuple[int, int]]:
    spans = []
    start = 0
    for match in SENTENCE_END.finditer(paragraph):
        spans.append((start, match.end()))
        start = match.end()
        while start < len(paragraph) and paragraph[start].isspace():
            start += 1
    if start < len(paragraph):
        spans.append((start, len(paragraph)))
    return spans


def _blocks(text: str) -> list[tuple[int, str]]:
    """Non-empty blocks of text with the 1-based line each starts on."""
    blocks = []
    for line_number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if stripped:
            blocks.append((line_number, stripped))
    return blocks


def _iso_timestamp(value: str, utc_offset: str, line: int) -> str:
    try:
        stamp = dt.datetime.strptime(value, "%Y/%m/%d %H:%M")
        zone = dt.datetime.strptime(utc_offset, "%z").tzinfo
    except ValueError:
        raise ArticleFormatError(
            line, f"invalid timestamp '{value}': expected a real date and time "
                  "YYYY/MM/DD HH:MM") from None
    return stamp.replace(tzinfo=zone).isoformat()
