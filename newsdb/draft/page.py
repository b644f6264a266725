"""A report's page as a curator pastes it (headline, byline, date line, body and the
page's debris, in any order a site prints them), read into bibliographic data and body
paragraphs, with every line that was removed and why.

What counts as debris (each rule is one entry of DEBRIS, tried in order):

- lines of punctuation alone ('|', '---'), images ('![Photo Image](...)'), bare URLs;
- copyright lines ('< 저작권자 ⓒ 서울경제, 무단 전재 및 재배포 금지 >', 'Copyright ⓒ');
- bylines ('김원배기자 adolfkim@etnews.com', '[아시아경제 이초희 기자]', an e-mail alone);
- photo captions ('▲ ...', '사진=...', '[사진] ...', '/사진제공=...');
- the date lines ('입력 2014.12.17 17:44', '수정 ...'), read for the publication time;
- page furniture ('관련기사', '전체메뉴', '글자크기', '인쇄하기', ...), and everything
  after a 'most read' list ('많이 본 뉴스') or a site footer ('주소 :', '대표전화').

The outlet comes from the URL's domain, else the copyright line, else the byline,
matched against the registry of outlets (newsdb/draft/outlets.yml).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from importlib import resources
from urllib.parse import urlsplit

import yaml

URL_RE = re.compile(r"https?://[^\s)>\]]+")
COPYRIGHT_RE = re.compile(r"ⓒ|©|Copyright|저작권자|무단\s*전재|재배포\s*금지|All rights? reserved", re.I)
COPYRIGHT_NAME_RE = re.compile(r"(?:ⓒ|©|\(c\))\s*([가-힣A-Za-z]+(?:\s?[가-힣A-Za-z]+)?)", re.I)
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*")
# '김원배기자', '이초희 기자', '/대전=박희윤기자', '김용주 통신방송 전문기자', '(베이징=연합뉴스) 홍길동 특파원'
BYLINE_NAME_RE = re.compile(
    r"(?:^|[\s\[/=(\]])([가-힣]{2,4})\s?(?:(?:[가-힣]+\s)?(?:전문|선임|수석)기자|기자|특파원)(?=[\s\]@=]|$)")
BRACKET_BYLINE_RE = re.compile(r"^\[([^\[\]]{2,30}?(?:기자|특파원))\]\s*")
DATE_LINE_RE = re.compile(
    r"(?P<label>입력|등록|기사입력|최초입력|승인|발행|게재|수정|업데이트|Posted|Updated)?\s*[:：]?\s*"
    r"(?P<y>20\d{2})\s*[./-]\s*(?P<m>\d{1,2})\s*[./-]\s*(?P<d>\d{1,2})\.?"
    r"(?:\s*(?P<part>오전|오후)?\s*(?P<H>\d{1,2}):(?P<M>\d{2}))?")
URL_DAY_RE = re.compile(r"(?<!\d)(20\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?=\d{3,}|\D|$)")
CAPTION_RE = re.compile(r"^(?:▲|△|\[사진\]|\(사진\)|/?사진\s*=|/?사진제공\s*=|<사진>|사진:)|Photo Image")
FURNITURE = (
    "관련기사", "관련 기사", "전체메뉴", "검색", "팝업창 닫기", "이메일보내기", "글자크기", "글자크기 설정",
    "닫기", "본문 바로가기", "인쇄하기", "글자 작게 글자 크게 인쇄하기", "공유하기", "기사 공유", "댓글",
    "좋아요", "스크랩", "구독", "구독하기", "기사 URL이 복사되었습니다.", "AD", "불러오는 중...",
)
# A page's text after one of these is lists of other articles or the site's footer.
TAIL_RE = re.compile(r"많이 본 뉴스|인기 기사|브랜드 뉴스룸|^주소\s*:|대표전화|^댓글 많은 뉴스|이 기사에 대해")
PUNCTUATION_ONLY_RE = re.compile(r"^[\s|\-–—=_*·•.:#<>]+$")
# A body line ends with a full stop; a headline ('…키운다') does not.
BODY_LINE_RE = re.compile(r"[.!?][”\"'’)]*\s*$")
SENTENCE_END_RE = re.compile(r"(?:다|요|음|함|됨)[.”\"'’]*\s*$|[.!?][”\"'’)]*\s*$")


@dataclass
class Outlet:
    id: str
    outlet_ko: str
    outlet_en: str | None
    domains: tuple[str, ...] = ()
    names: tuple[str, ...] = ()


@dataclass
class Removed:
    line: int  # 1-based, in the pasted text
    why: str  # url | punctuation | image | copyright | byline | caption | date | furniture | tail
    text: str


@dataclass
class Page:
    url: str | None
    outlet: Outlet | None
    outlet_basis: str | None  # domain | copyright | byline | None
    author_ko: str | None
    published_at: str | None  # YYYY-MM-DD or YYYY-MM-DDTHH:MM+09:00
    published_basis: str | None  # date line | url | given
    headline_ko: str | None
    paragraphs: tuple[str, ...]
    removed: list[Removed] = field(default_factory=list)

    @property
    def published(self) -> dt.date | None:
        return dt.date.fromisoformat(self.published_at[:10]) if self.published_at else None


def load_outlets() -> list[Outlet]:
    text = resources.files("newsdb.draft").joinpath("outlets.yml").read_text(encoding="utf-8")
    return [Outlet(o["id"], o["outlet_ko"], o.get("outlet_en"), tuple(o.get("domains", ())),
                   tuple(o.get("names", ()))) for o in yaml.safe_load(text)]


def outlet_of_url(url: str | None, outlets: list[Outlet]) -> Outlet | None:
    if not url:
        return None
    host = urlsplit(url).hostname or ""
    for outlet in outlets:
        if any(host == d or host.endswith("." + d) for d in outlet.domains):
            return outlet
    return None


def outlet_named(text: str, outlets: list[Outlet]) -> Outlet | None:
    best = None
    for outlet in outlets:
        for name in outlet.names:
            if name in text and (best is None or len(name) > len(best[1])):
                best = (outlet, name)
    return best[0] if best else None


def same_url(a: str | None, b: str | None) -> bool:
    """The same page: scheme, a mobile or 'www' host prefix and a trailing slash aside."""
    def key(url: str) -> str:
        parts = urlsplit(url.strip())
        host = re.sub(r"^(?:www\d?|m|web\d?|cm|mobile)\.", "", (parts.hostname or "").lower())
        return host + parts.path.rstrip("/") + ("?" + parts.query if parts.query else "")
    return bool(a and b) and key(a) == key(b)


def read_page(text: str, url: str | None = None, published: str | None = None,
              outlets: list[Outlet] | None = None) -> Page:
    """The page's bibliographic data and body. `url` and `published` (YYYY-MM-DD or
    YYYY-MM-DDTHH:MM) override what the page says."""
    outlets = load_outlets() if outlets is None else outlets
    removed: list[Removed] = []
    kept: list[tuple[int, str]] = []
    found_url, dates, bylines, copyright_names = None, [], [], []
    in_tail = False
    for number, raw in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        line = raw.strip()
        if not line:
            continue
        why = "tail" if in_tail else _debris(line)
        if why is None and TAIL_RE.search(line):
            why, in_tail = "tail", True
        if why == "url" and found_url is None:
            found_url = URL_RE.search(line).group()
        if why == "date":
            dates.append(DATE_LINE_RE.search(line))
        if why == "byline" or why == "date":
            bylines.append(line)
        if why == "copyright":
            copyright_names += [m.group(1) for m in COPYRIGHT_NAME_RE.finditer(line)]
        if why is None:
            bracket = BRACKET_BYLINE_RE.match(line)
            if bracket:  # '[아시아경제 이초희 기자]최양희 ...': the byline glued to the body
                removed.append(Removed(number, "byline", bracket.group()))
                bylines.append(bracket.group(1))
                line = line[bracket.end():]
            kept.append((number, line))
        else:
            removed.append(Removed(number, why, line))
    url = url or found_url
    outlet, basis = _outlet(url, copyright_names, bylines, outlets)
    headline, paragraphs = _headline_and_body(kept, outlet)
    for number, line in kept:
        if line not in paragraphs and line != headline:
            removed.append(Removed(number, "header", line))
    removed.sort(key=lambda r: r.line)
    stamp, stamp_basis = _published(published, dates, url)
    return Page(url, outlet, basis, _author(bylines), stamp, stamp_basis, headline,
                paragraphs, removed)


def _debris(line: str) -> str | None:
    if URL_RE.fullmatch(line) or URL_RE.fullmatch(line.strip("<>")):
        return "url"
    if PUNCTUATION_ONLY_RE.match(line):
        return "punctuation"
    if re.match(r"^!\[[^\]]*\]\([^)]*\)$", line):
        return "image"
    if COPYRIGHT_RE.search(line) and len(line) < 120:
        return "copyright"
    if CAPTION_RE.search(line):
        return "caption"
    if line in FURNITURE:
        return "furniture"
    if EMAIL_RE.fullmatch(line) or (BYLINE_NAME_RE.search(line) and len(line) <= 60
                                    and not SENTENCE_END_RE.search(line)):
        return "byline"
    date = DATE_LINE_RE.search(line)
    if date and len(line) - len(date.group()) <= 12:
        return "date"
    return None


def _outlet(url, copyright_names, bylines, outlets):
    by_url = outlet_of_url(url, outlets)
    if by_url:
        return by_url, "domain"
    for name in copyright_names:
        found = outlet_named(name, outlets)
        if found:
            return found, "copyright"
    for line in bylines:
        found = outlet_named(line, outlets)
        if found:
            return found, "byline"
    if copyright_names:  # an outlet the registry does not know: its Korean name alone
        name = copyright_names[0].strip()
        return Outlet("report", name, None), "copyright"
    return None, None


def _headline_and_body(kept: list[tuple[int, str]], outlet: Outlet | None):
    """The body starts at the first line that ends as a sentence; the headline is the
    first line before it long enough to be one (a repeated one is preferred)."""
    lines = [line for _, line in kept]
    start = next((i for i, line in enumerate(lines) if BODY_LINE_RE.search(line) and len(line) >= 25),
                 len(lines))
    header = [line for line in lines[:start]
              if not (outlet and line in (outlet.outlet_ko, *outlet.names)) and len(line) >= 8]
    repeated = [line for line in header if header.count(line) > 1]
    headline = repeated[0] if repeated else (header[0] if header else None)
    body = tuple(line for line in lines[start:])
    return headline, body


def _author(bylines: list[str]) -> str | None:
    for line in bylines:
        found = BYLINE_NAME_RE.search(line)
        if found:
            return found.group(1)
    return None


def _published(given: str | None, dates: list, url: str | None) -> tuple[str | None, str | None]:
    if given:
        return _stamp(given), "given"
    first = next((d for d in dates if d and d["label"] not in ("수정", "업데이트", "Updated")), None)
    first = first or next((d for d in dates if d), None)
    if first:
        day = dt.date(int(first["y"]), int(first["m"]), int(first["d"]))
        if first["H"]:
            hour = int(first["H"]) + (12 if first["part"] == "오후" and int(first["H"]) < 12 else 0)
            return f"{day.isoformat()}T{hour:02d}:{first['M']}+09:00", "date line"
        return day.isoformat(), "date line"
    if url:
        found = URL_DAY_RE.search(urlsplit(url).path + "?" + urlsplit(url).query)
        if found:
            try:
                return dt.date(*map(int, found.groups())).isoformat(), "url"
            except ValueError:
                pass
    return None, None


def _stamp(value: str) -> str:
    value = value.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        dt.date.fromisoformat(value)
        return value
    stamp = dt.datetime.fromisoformat(value)
    if stamp.tzinfo is None:
        return stamp.strftime("%Y-%m-%dT%H:%M") + "+09:00"
    return stamp.isoformat(timespec="minutes")
