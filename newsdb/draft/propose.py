"""Propose a curated draft of a new article: the curator's workbench.

`draft_article` reads an article text (the header format of sources/articles/*.txt) and
proposes candidates, each with its sentence key (p<paragraph>-s<position>), its exact span
(character offsets within the sentence) and its exact wording:

- figures ('8천279억달러', '3억~4억원', '25.8%', '4.7배') with the value, unit and
  qualifier that newsdb.korean.numbers computes, ranks ('세계 2위') and periods
  ('지난해', '2012년 기준') resolved by newsdb.korean.dates;
- date and time wordings ('18일 오전', '이날 오후', '17일부터 사흘간', '내달 3일',
  '다음 주') resolved against the publication date, with their precision;
- mentions of registry organizations, people and places (names and aliases, with the
  particle attached), and proper nouns the analyser finds that no registry entry names,
  as proposed registry entries;
- events and memoranda of understanding, from cue words ('방문', '시찰', '개최', '만나',
  '양해각서를 체결'), linked to the dates and names of their sentence.

Extraction knows nothing of the curated YAML: newsdb/draft/writer.py turns a Draft into
the curated format, so that the format can change without touching this module.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from ahocorasick_rs import AhoCorasick, MatchKind

from newsdb.curated.article_text import Sentence, parse_article, read_source_text, split_sentences
from newsdb.korean.dates import (
    SAME_DAY_WORDS,
    TIME_OF_DAY,
    TIME_RE,
    find_wordings,
    parse_clock_time,
    resolve_event_date,
    resolve_period,
)
from newsdb.draft.mentions import one_per_event
from newsdb.korean.hedges import HEDGE_RE
from newsdb.korean.numbers import ParsedRange, figure_basis, find_figures, find_ranks

# Particles a name may carry in the text ('샤오미의', '칭화홀딩스를', '북경에서'); the
# longest that follows the name is part of the mention's span.
PARTICLES = sorted([
    "의", "을", "를", "은", "는", "이", "가", "과", "와", "도", "만", "에", "로", "으로",
    "에서", "에서는", "에서의", "에는", "에게", "에게는", "와의", "과의", "으로는", "로는",
    "이다", "이며", "이자", "인", "처럼", "보다", "까지", "부터", "측", "측은", "측과",
], key=len, reverse=True)
_PARTICLE_RE = re.compile("(?:" + "|".join(PARTICLES) + r")(?![가-힣])")
# Words after a proper noun that say what it is, for a proposed registry entry.
PERSON_TITLES = ("장관", "차관", "대통령", "총리", "의원", "이사장", "회장", "부회장", "사장",
                 "대표", "CEO", "교수", "원장", "청장", "시장", "지사", "주석", "대사", "위원장",
                 "씨", "박사", "단장", "총장", "국장", "실장")
PLACE_WORDS = ("시", "성", "구", "도", "현", "주", "에서", "을 방문", "를 방문", "에 있는")
KOREA_WORDS = ("한국", "국내", "우리", "한중", "한‧중", "미래부")
CHINA_WORDS = ("중국", "중", "북경", "베이징", "상해", "상하이")

# Cue words of events: (pattern, kind). The kind of '개최' and '열리' is read from the
# event's name (see EVENT_NAME_KINDS).
EVENT_CUES = [
    # '방문해', '방문, ' (a comma joins the next clause), '방문에서'.
    (r"방문(?:해|하|한|할|했|에|을|중|,)", "visit"),
    (r"시찰(?:하|해|한|할|했|을)", "inspection"),
    # '칭화홀딩스를 찾아': a visit only when a registry name is what is visited ('방안을
    # 찾는다' seeks a way).
    (r"(?<![가-힣])찾(?:아|는|을|은|았|는다)", "visit"),
    (r"(?:개최|주최)(?:하|해|한|할|했|,|\s|된|됐|돼|를|$)", None),
    # '열었다' opens a meeting; '문을 열었다' opens a business.
    (r"(?<![가-힣])(?<!문을 )(?<!문을)열(?:린|리|렸|릴|었|어|고|(?=\s(?:계획|예정|방침)))", None),
    # '진행된다', '진행한다': the event is the sentence's topic ('‘K-테크’는 … 진행된다').
    (r"진행(?:된|되|됐|돼|한|하|했|할)", None),
    (r"만(?:나|난|날|났)", "meeting"),
    (r"(?:면담|회담|접견|간담회|회동)(?:을|를|하|해|한|할|했|에|\s|$)", "meeting"),
    # Hearing people out is a meeting with them: '애로사항을 듣는', '의견을 청취했다'.
    (r"(?:애로사항|의견|건의사항|고충|목소리)(?:을|를)\s*(?:듣|들었|청취)", "meeting"),
    (r"참석(?:하|해|한|할|했|\s|$)", "attend"),
    # An event named by its noun with no verb cue: '투자설명회를 통해'.
    (r"(?:설명회|간담회|세미나|포럼|워크숍|박람회)(?=을|를|에|에서|가|이|는|도)", None),
]
EVENT_CUE_RE = re.compile("|".join(f"(?P<c{i}>{pattern})" for i, (pattern, _) in enumerate(EVENT_CUES)))
EVENT_NAME_KINDS = [
    ("장관회의", "ministerial_meeting"), ("장관 회의", "ministerial_meeting"),
    ("공동위원회", "joint_committee"), ("공동위", "joint_committee"),
    ("박람회", "expo"), ("엑스포", "expo"), ("전시회", "expo"), ("차이나", "expo"),
    ("쇼케이스", "showcase"), ("쇼 케이스", "showcase"),
    ("워크숍", "workshop"), ("워크샵", "workshop"), ("세미나", "workshop"), ("포럼", "workshop"),
    ("설명회", "investor_presentation"), ("투자유치", "investor_presentation"),
    ("회의", "meeting"), ("회담", "meeting"), ("간담회", "meeting"),
]
MOU_CUE_RE = re.compile(
    r"(?:양해각서|업무협약|협약|MOU)(?:\s*\((?:MOU|양해각서)\))?\s*(?:을|를|도)?\s*(?:체결|맺|교환|서명)"
)
PAST_RE = re.compile(r"(?:했|였|었|았|렸|쳤|졌|났)(?:다|으며|고|는데|지만)")
CANCELLED_RE = re.compile(r"취소|무산|연기")
QUOTED_NAME_RE = re.compile(r"[‘'“\"]([^’'”\"]{2,60})[’'”\"]")
STATISTIC_CATEGORIES = [
    ("인력", "research_workforce"), ("연구원", "research_workforce"),
    ("논문", "publications"), ("특허", "patents"), ("외환", "foreign_reserves"),
    ("수출", "trade"), ("수입", "trade"), ("무역", "trade"), ("흑자", "trade"), ("적자", "trade"),
    ("매출", "corporate"), ("영업이익", "corporate"), ("순이익", "corporate"),
    ("제조업", "manufacturing"), ("생산", "manufacturing"),
    ("인큐베이터", "innovation_infrastructure"), ("개발구", "innovation_infrastructure"),
    ("단지", "innovation_infrastructure"), ("스타트업", "innovation_infrastructure"),
]
_TRAILING_PARTICLE_RE = re.compile(r"(?:은|는|이|가|을|를|의|로|으로|에서|에|과|와)$")


@dataclass
class Candidate:
    """One proposal: its kind, where it is (sentence key and offsets within the sentence),
    its exact wording and what the parsers computed from it."""

    kind: str  # figure | rank | period | date | entity | new_entity | hedge | event | mou
    sentence: str  # p<paragraph>-s<position>
    start: int
    end: int
    text: str  # == the sentence's text[start:end]
    fields: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"kind": self.kind, "sentence": self.sentence, "start": self.start,
                "end": self.end, "text": self.text, **self.fields}


@dataclass
class Draft:
    title_ko: str
    subtitle_ko: str
    published_at: str
    published: dt.date
    sentences: list[Sentence]
    candidates: list[Candidate]

    def of_kind(self, *kinds: str) -> list[Candidate]:
        return [c for c in self.candidates if c.kind in kinds]

    def sentence(self, key: str) -> Sentence:
        return next(s for s in self.sentences if s.key == key)


class Registry:
    """The names and aliases of the registries' organizations, people and places."""

    def __init__(self, entries: list[tuple[str, str, str]]):
        # entries: (table, id, name); a name may belong to several entries
        self.by_name: dict[str, list[tuple[str, str]]] = {}
        self.countries: dict[tuple[str, str], str | None] = {}
        # person id -> the organization they belong to; place id -> its kind (city, ...)
        self.affiliations: dict[str, str] = {}
        self.place_kinds: dict[str, str] = {}
        for table, entity_id, name in entries:
            self.by_name.setdefault(name, []).append((table, entity_id))
        names = sorted(self.by_name)
        # Leftmost-longest, as the build's mentions: '상해 3세대 싱크로트론 방사광원' is
        # the facility, not the city.
        self.finder = AhoCorasick(names, matchkind=MatchKind.LeftmostLongest) if names else None

    @classmethod
    def from_sources(cls, root: Path) -> "Registry":
        from newsdb.curated.problems import Problems
        from newsdb.curated.reader import read_registries

        problems = Problems()
        registries = read_registries(root, problems)
        if problems:
            raise ValueError("the registries have problems: run newsdb check")
        entries = []
        registry = None
        for table, records in registries.items():
            for curated in records.values():
                record = curated.record
                for name in (record.name_ko, *record.aliases_ko):
                    entries.append((table, record.id, name))
        registry = cls(entries)
        for table, records in registries.items():
            for curated in records.values():
                record = curated.record
                registry.countries[(table, record.id)] = getattr(record, "country", None)
                if table == "people" and getattr(record, "organization", None):
                    registry.affiliations[record.id] = record.organization
                if table == "places":
                    registry.place_kinds[record.id] = record.kind
        return registry

    def names(self) -> tuple[str, ...]:
        """Names the analyser keeps whole (single words, as newsdb.korean.analyser.registry_names)."""
        return tuple(sorted(name for name in self.by_name if not re.search(r"\s", name)))

    def find(self, text: str) -> list[tuple[int, int, str]]:
        if self.finder is None:
            return []
        return [(start, end, text[start:end]) for _, start, end in self.finder.find_matches_as_indexes(text)]


def read_draft_source(path: Path, utc_offset: str = "+0900"):
    """The article text of a source file: title, subtitle, timestamps, paragraphs."""
    return parse_article(read_source_text(path.read_bytes()), utc_offset, [])


def draft_article(text: str, registry: Registry, analyser=None, utc_offset: str = "+0900",
                  drop_paragraphs: list[str] | None = None) -> Draft:
    """Every candidate of an article text in the sources' header format."""
    article = parse_article(text, utc_offset, drop_paragraphs or _artefacts(text))
    published = dt.date.fromisoformat(article.published_at[:10])
    sentences = split_sentences(article.paragraphs)
    candidates = propose(sentences, published, registry, analyser)
    texts = {sentence.key: sentence.text for sentence in sentences}
    return Draft(article.title_ko, article.subtitle_ko, article.published_at, published,
                 sentences, one_per_event(candidates, registry, texts))


def _artefacts(text: str) -> list[str]:
    # A page's '관련기사' (related articles) link block is no part of the article.
    return [line.strip() for line in text.split("\n") if line.strip() in ("관련기사", "관련 기사")]


def draft_sentences(texts: list[str], published: dt.date, registry: Registry,
                    analyser=None) -> list[Candidate]:
    """Candidates of sentences given one per paragraph (for tests and quick checks)."""
    sentences = split_sentences(tuple(texts))
    return propose(sentences, published, registry, analyser)


def propose(sentences: list[Sentence], published: dt.date, registry: Registry,
            analyser=None) -> list[Candidate]:
    candidates: list[Candidate] = []
    state = {"last_day": None, "last_day_candidate": None}
    for sentence in sentences:
        found: list[Candidate] = []
        found += _figures(sentence)
        found += _ranks(sentence)
        found += _wordings(sentence, published, state)
        entities = _entities(sentence, registry)
        found += entities
        found += [Candidate("hedge", sentence.key, m.start(), m.end(), m.group())
                  for m in HEDGE_RE.finditer(sentence.text)]
        for figure in found:
            if figure.kind in ("figure", "rank"):
                figure.fields["country"] = figure_country(entities, registry, figure, sentence.text)
        if analyser is not None:
            found += _new_entities(sentence, analyser, entities)
        found.sort(key=lambda c: (c.start, c.end, c.kind))
        found += _events(sentence, found, candidates, registry)
        found += _mous(sentence, found, candidates, registry)
        found.sort(key=lambda c: (c.start, c.end, c.kind))
        candidates += found
    return candidates


# Figures, ranks, periods and dates ---------------------------------------------------

def _figures(sentence: Sentence) -> list[Candidate]:
    out = []
    for figure in find_figures(sentence.text):
        parsed = figure.parsed
        fields = {"unit": parsed.unit, "qualifier": parsed.qualifier,
                  "basis": figure_basis(sentence.text[_clause_start(sentence.text, figure.start):figure.start])}
        if isinstance(parsed, ParsedRange):
            fields = {"value_low": parsed.value_low, "value_high": parsed.value_high, **fields}
        else:
            fields = {"value": parsed.value, **fields}
        out.append(Candidate("figure", sentence.key, figure.start, figure.end, figure.text, fields))
    return out


def _ranks(sentence: Sentence) -> list[Candidate]:
    out = []
    previous_scope = None
    for rank in find_ranks(sentence.text):
        fields = {"rank": rank.parsed.rank, "rank_scope": rank.parsed.scope}
        if rank.parsed.scope is None and previous_scope is not None:
            # '세계 1위와 2위': the second rank continues the first one's scope.
            fields["rank_scope_guess"] = previous_scope
        previous_scope = rank.parsed.scope or previous_scope
        out.append(Candidate("rank", sentence.key, rank.start, rank.end, rank.text, fields))
    return out


def _wordings(sentence: Sentence, published: dt.date, state: dict) -> list[Candidate]:
    out = []
    for wording in find_wordings(sentence.text):
        if wording.kind == "period":
            try:
                period, error = resolve_period(wording.text, published), None
            except ValueError as failure:
                period, error = None, str(failure)
            fields = {"period": period}
            if error:
                fields["error"] = error
            out.append(Candidate("period", sentence.key, wording.start, wording.end, wording.text, fields))
            continue
        out.append(_date(sentence, wording, published, state))
    return out


# The same-day words are the date parser's (newsdb/korean/dates.py), read here at the
# start of a wording.
SAME_DAY = re.compile("^(?:" + "|".join(map(re.escape, SAME_DAY_WORDS)) + ")")
TIME_ONLY = re.compile(r"^(?:오전|오후|저녁|아침|새벽|밤)?\s*(?:\d{1,2}\s*시.*)?$")


def _date(sentence: Sentence, wording, published: dt.date, state: dict) -> Candidate:
    text = wording.text
    fields: dict = {"when_ko": text, "time_ko": None}
    same_day = SAME_DAY.match(text)
    time_only = TIME_ONLY.match(text) is not None
    if same_day or time_only:
        # '이날 오후': the day of the sentence before; the curated format names it
        # (when_ko: 이날, time_ko: 오후, same_day_as: that day's event).
        anchor_word = same_day.group() if same_day else None
        fields["when_ko"] = anchor_word
        rest = text[same_day.end():].strip() if same_day else text
        fields["time_ko"] = rest or None
        fields["same_day_as_sentence"] = state["last_day_candidate"]
    anchor = state["last_day"]
    try:
        clock = parse_clock_time(text)
        span = resolve_event_date(text, published, same_day=anchor)
    except ValueError as error:
        # The wording is still proposed: its day is for the curator to give.
        part = TIME_RE.search(text)
        fields.update({"time_of_day": TIME_OF_DAY[part.group()] if part else None,
                       "time": clock.strftime("%H:%M") if "clock" in locals() and clock else None,
                       "error": str(error)})
        return Candidate("date", sentence.key, wording.start, wording.end, text, fields)
    later = _later_duration(sentence.text, wording)
    if later is not None:
        # '18일부터 베이징에서 2박 3일 간의 일정으로': the span the duration gives.
        start_word = text if text.endswith("부터") else f"{text}부터"
        try:
            span = resolve_event_date(f"{start_word} {later}", published, same_day=anchor)
            # The curated when_ko is the wording in the sentence; a citation's claim
            # gives the span in the report's words, the day with its duration.
            fields["span_ko"] = f"{start_word} {later}"
        except ValueError:
            pass
    fields.update({
        "start_date": span.start.isoformat(), "end_date": span.end.isoformat(),
        "time_of_day": span.time_of_day, "time": clock.strftime("%H:%M") if clock else None,
        "precision": _precision(span, clock),
    })
    if ATTRIBUTED_DAY_RE.match(sentence.text, wording.end):
        # '17일 미래부에 따르면': the day the source spoke, not a day of what it says.
        fields["reported"] = True
        return Candidate("date", sentence.key, wording.start, wording.end, text, fields)
    if not (same_day or time_only):
        state["last_day"] = span.start
        state["last_day_candidate"] = sentence.key
    return Candidate("date", sentence.key, wording.start, wording.end, text, fields)


ATTRIBUTED_DAY_RE = re.compile(r"\s*(?:[^\s,]+\s){0,2}[^\s,]+(?:에|의)\s*따르면")
# A verb cue later in the clause of a noun cue ('회담을 열고', '설명회는 … 진행된다').
LATER_VERB_CUE_RE = re.compile(r"[^,.]*?(?:(?<![가-힣])열(?:고|어|린|리|었|렸|기로)|개최|진행(?:된|되|됐|돼|한|하|했)|참석)")
LATER_DURATION_RE = re.compile(
    r"(?<![\d가-힣])(?:\d+\s*박\s*\d+\s*일|(?:하루|이틀|사흘|나흘|닷새|엿새|열흘)\s*(?:간|동안)?)")


def _later_duration(text: str, wording) -> str | None:
    """The duration later in the clause of a day given as a start ('18일부터')."""
    if not (wording.text.endswith("부터") or text.startswith("부터", wording.end)):
        return None
    clause_end = min([i for i in (text.find(",", wording.end), text.find(".", wording.end)) if i >= 0] or [len(text)])
    found = LATER_DURATION_RE.search(text, wording.end, clause_end)
    return re.sub(r"\s*(?:간|동안)$", "", found.group()) if found else None


def _precision(span, clock) -> str:
    if clock is not None:
        return "minute"
    if span.time_of_day is not None:
        return "part_of_day"
    if span.precision != "day":
        return span.precision
    return "day" if span.start == span.end else "days"


# Names ------------------------------------------------------------------------------

def _particle_end(text: str, end: int) -> int:
    found = _PARTICLE_RE.match(text, end)
    return found.end() if found else end


def _entities(sentence: Sentence, registry: Registry) -> list[Candidate]:
    out = []
    for start, end, name in registry.find(sentence.text):
        span_end = _particle_end(sentence.text, end)
        for table, entity_id in registry.by_name[name]:
            out.append(Candidate("entity", sentence.key, start, span_end, sentence.text[start:span_end],
                                 {"table": table, "id": entity_id, "name": name}))
    return out


# Not a new entry: a pair of countries ('한중', '한·중'), a name of an event ('과기장관회의').
COUNTRY_PAIR_RE = re.compile(r"[한중미일북남러日中韓美][·‧ㆍ]?[한중미일북남러日中韓美]")
EVENT_NAME_RE = re.compile(r".*(?:회의|행사|박람회|포럼|세미나|워크숍|설명회|전시회|간담회|엑스포|회담)$")


def _new_entities(sentence: Sentence, analyser, entities: list[Candidate]) -> list[Candidate]:
    """Proper nouns the analyser finds where no registry name is: proposed entries.
    Proper nouns written together are one name; names inside quotation marks
    (the titles of events and programmes), pairs of countries and names of events are
    not proposed."""
    text = sentence.text
    taken = [(c.start, c.end) for c in entities]
    quoted = [(m.start(), m.end()) for m in QUOTED_NAME_RE.finditer(text)]
    with analyser.lock:
        tokens = analyser.kiwi.tokenize(text)
    runs: list[list[int]] = []
    for token in tokens:
        if not token.tag.startswith("NNP"):
            continue
        start, end = token.start, token.start + token.len
        if text[start:end] != token.form:
            continue  # a form the analyser rewrote: no verbatim span
        if runs and runs[-1][1] == start:
            runs[-1][1] = end
        else:
            runs.append([start, end])
    out = []
    for start, end in runs:
        name = text[start:end]
        if any(s <= start < e or s < end <= e for s, e in taken + quoted) or len(name) < 2:
            continue
        if COUNTRY_PAIR_RE.fullmatch(name) or EVENT_NAME_RE.match(name):
            continue
        span_end = _particle_end(text, end)
        out.append(Candidate("new_entity", sentence.key, start, span_end, text[start:span_end],
                             {"name": name, "table": _guess_table(text, end)}))
        taken.append((start, span_end))
    return out


ORGANIZATION_ENDINGS = ("전자", "그룹", "홀딩스", "은행", "재단", "대학", "대학교", "연구원", "센터",
                        "협회", "공사", "위원회", "통신", "증권", "자동차", "화학", "제약", "카드", "보험")


def _guess_table(text: str, end: int) -> str:
    """people when a title follows within two words ('우하이타오 차석 부사장', '이재용
    부회장'), places before '에서' or '을 방문', organizations for a company's ending and
    otherwise."""
    name = text[:end].split()[-1] if text[:end].split() else ""
    if name.endswith(ORGANIZATION_ENDINGS):
        return "organizations"
    following = re.sub(r"[(),]", " ", text[end:end + 16]).split()[:2]
    if any(_bare(word).endswith(PERSON_TITLES) for word in following):
        return "people"
    if any(text[end:].startswith(word) for word in ("에서", "을 방문", "를 방문")):
        return "places"
    return "organizations"


# Events and MOUs --------------------------------------------------------------------

def _clause_start(text: str, position: int) -> int:
    """Where the clause holding `position` starts: after the last comma before it."""
    cut = max(text.rfind(",", 0, position), text.rfind("，", 0, position))
    start = cut + 1 if cut >= 0 else 0
    while start < len(text) and text[start].isspace():
        start += 1
    return start


def _word_end(text: str, position: int) -> int:
    found = re.compile(r"[^\s,.]*").match(text, position)
    return found.end()


def _dates_for(sentence: Sentence, found: list[Candidate], earlier: list[Candidate],
               position: int) -> dict:
    """The date of an event at `position`: the nearest date wording before it in its
    sentence (else the first after it), else the last dated sentence before (inferred)."""
    here = [c for c in found if c.kind == "date" and "error" not in c.fields
            and not c.fields.get("reported")]
    before = [c for c in here if c.start < position]
    chosen = before[-1] if before else (here[0] if here else None)
    if chosen is not None:
        # A bare '오후' names no day: the day is the previous one, inferred.
        return {"date": chosen, "basis": "stated" if chosen.fields.get("when_ko") else "inferred"}
    for candidate in reversed(earlier):
        if candidate.kind == "date" and "error" not in candidate.fields and candidate.fields.get("when_ko") \
                and not candidate.fields.get("reported"):
            return {"date": candidate, "basis": "inferred"}
    return {"date": None, "basis": None}


def _event_kind(cue_kind: str | None, name: str) -> str:
    for word, kind in EVENT_NAME_KINDS:
        if word in name:
            return kind if cue_kind in (None, "meeting") else cue_kind
    return cue_kind or "meeting"


def _event_names(text: str, clause_start: int, cue_start: int) -> list[str]:
    """The event's names: the quoted names right before the cue ('‘A’와 ‘B’ 행사를
    개최', one per name), else the object phrase before it ('칭화홀딩스 CEO를 만나')."""
    window = text[:cue_start]
    quoted = list(QUOTED_NAME_RE.finditer(window))
    if quoted:
        names = [quoted[-1].group(1)]
        for previous, following in zip(reversed(quoted[:-1]), reversed(quoted[1:])):
            if re.fullmatch(r"\s*(?:와|과|,|및)\s*", window[previous.end():following.start()]):
                names.insert(0, previous.group(1))
            else:
                break
        if re.fullmatch(r"\s*(?:등|행사)?\s*(?:을|를|에서|에)?\s*", window[quoted[-1].end():]):
            return names
    words = window[clause_start:].split()
    while words and (words[-1] in ADVERBS or words[-1].endswith("에서")):
        words = words[:-1]  # '포럼을 잇달아 개최', '베이징에서 회동을': not the name
    phrase: list[str] = []
    for index, word in enumerate(reversed(words)):
        if index and (_TRAILING_PARTICLE_RE.search(word) or word.endswith(("는", "한", "인", "적인"))
                      or re.search(r"(?:해|하고|하며|고|며|아|어)$", word)):
            break
        phrase.insert(0, word)
        if len(phrase) == 4:
            break
    if phrase:
        phrase[-1] = _TRAILING_PARTICLE_RE.sub("", phrase[-1])
    return [" ".join(phrase).strip("‘’“”'\" ")]


# A verb that joins the next clause ('방문해', '개최하고', '방문,') or describes a noun
# ('열린', '개최된') takes its tense from the sentence's last verb.
LINKING_CUE_RE = re.compile(r"(?:해|하고|하며|하여|,|린|된|진|한|가진|고|아|어|나)$")
SENTENCE_PAST_RE = re.compile(r"(?:했|였|었|았|렸|쳤|졌|났|됐)(?:다|습니다)[.”\"'’]*\s*$")
PAST_ADNOMINAL_RE = re.compile(r"(?:열린|개최된|진행된|가진|치러진|마련된)$")


def _verb_of(text: str, cue_start: int, end: int) -> str:
    """The cue, or for a noun cue the verb after it ('회동을 갖고', '회담을 가질')."""
    cue = text[cue_start:end]
    if re.search(r"(?:을|를)$", cue):
        following = re.match(r"\s*([^\s,.]+)", text[end:])
        return following.group(1) if following else cue
    return cue


def _status(cue_word: str, sentence: str = "") -> str:
    """held for a past verb ('개최했다', '방문했고'), planned otherwise: news announces
    plans in the present tense ('개최한다', '만나'). A linking or describing verb ('열린
    회의에서 … 체결했다') is held when the sentence ends in the past."""
    if CANCELLED_RE.search(cue_word):
        return "cancelled"
    if PAST_RE.search(cue_word + "다"):
        return "held"
    if LINKING_CUE_RE.search(cue_word) and SENTENCE_PAST_RE.search(sentence):
        return "held"
    if PAST_ADNOMINAL_RE.search(cue_word) and not re.search(r"(?:한다|된다|할|될|예정|계획)", sentence):
        return "held"
    return "planned"


def _names_in(found: list[Candidate], table: str | None = None) -> list[Candidate]:
    seen, out = set(), []
    for candidate in found:
        if candidate.kind != "entity" or (table and candidate.fields["table"] != table):
            continue
        key = (candidate.fields["table"], candidate.fields["id"])
        if key not in seen:
            seen.add(key)
            out.append(candidate)
    return out


def _events(sentence: Sentence, found: list[Candidate], earlier: list[Candidate],
            registry: Registry) -> list[Candidate]:
    text = sentence.text
    out = []
    mou_spans = [(m.start(), m.end()) for m in MOU_CUE_RE.finditer(text)]
    for match in EVENT_CUE_RE.finditer(text):
        cue_kind = EVENT_CUES[int(match.lastgroup[1:])][1]
        cue_start = match.start()
        if any(s <= cue_start < e for s, e in mou_spans):
            continue
        clause = _clause_start(text, cue_start)
        end = _word_end(text, cue_start)
        cue = text[cue_start:end]
        noun_cue = cue_kind is None and not re.match(r"개최|주최|열|진행", cue)
        if cue.startswith("찾") and not _entity_chain(text, cue_start, found):
            continue
        if (noun_cue or cue_kind == "meeting" and re.match(r"(?:면담|회담|접견|간담회|회동)", cue)) \
                and LATER_VERB_CUE_RE.match(text, end):
            continue  # '회담을 열고', '설명회는 … 진행된다': the verb is the cue
        if noun_cue and (re.search(r"(?:개최|주최|열|참석|방문)", text[end:end + 10])
                         or re.search(r"(?:개최|주최|열)[가-힣]*\s*$", text[max(0, cue_start - 8):cue_start])):
            continue  # '세미나를 개최', '열리는 박람회': the verb is the cue
        if noun_cue:
            clause, end = _clause_start(text, cue_start), _word_end(text, cue_start)
            names = [_event_names(text, clause, end)[0] or cue]
        elif re.search(r"(?:는|린|된)$", cue):
            # '열리는 박람회', '개최되는 포럼': the event is the noun the verb describes.
            following = re.match(r"\s*([^\s,.]+)", text[end:])
            names = [_bare(following.group(1)) if following else ""]
        elif cue_kind == "attend":
            # '…이 참석해': the event is the one attended ('이번 행사에서는'), else none.
            attended = list(EVENT_NOUN_PHRASE_RE.finditer(text, clause, cue_start))
            if not attended:
                continue
            names = [_bare(attended[-1].group("name"))]
        elif INTRANSITIVE_CUE_RE.match(cue) and (TOPIC_NAME_RE.match(text) or TOPIC_EVENT_RE.match(text)):
            topic = TOPIC_NAME_RE.match(text) or TOPIC_EVENT_RE.match(text)
            names = [topic.group(1)]  # '‘K-테크 차이나’는 … 진행된다'
        else:
            names = _event_names(text, clause, cue_start)
            first = text.find(names[0]) - 1 if names and names[0] else -1
            if 0 <= first < clause and QUOTED_NAME_RE.match(text, first):
                clause = first  # the quote starts at the first of the listed names
            names = _conjoined(text, clause, cue_start, names, found, cue_kind)
        for name in names:
            out.append(_event(sentence, found, earlier, cue_kind, cue_start, clause, end, name))
    if len(out) > 1:
        out = [e for e in out if e.fields["cue_kind"] != "attend"]  # '…가 참석하는 워크숍을 개최'
    return out


EVENT_NOUNS = (r"(?:회의|행사|박람회|포럼|세미나|워크숍|워크샵|설명회|전시회|간담회|엑스포|쇼케이스|회담|대회|총회"
               r"|협의회|위원회|개막식|로드쇼)")
# Adverbs between an object and its verb: '장강하이테크파크와 칭화홀딩스를 차례로 시찰'.
ADVERBS = ("잇달아", "잇따라", "차례로", "나란히", "함께", "직접", "각각", "다시", "공동으로", "따로")
# A verb whose subject is the event: '‘K-테크’는 … 진행된다', '박람회는 … 열린다'.
INTRANSITIVE_CUE_RE = re.compile(r"^(?:진행(?:된|되|됐|돼)|열(?:린다|리|렸|릴)|개최(?:된다|되|됐|돼))")
TOPIC_EVENT_RE = re.compile(rf"^((?:[^\s,]+\s)?[^\s,]*{EVENT_NOUNS})(?:은|는)\s")
EVENT_NOUN_PHRASE_RE = re.compile(rf"(?P<name>(?:[^\s,]+\s)?[^\s,]*{EVENT_NOUNS})(?:에서는|에서|에는|에|을|를)(?=\s)")
TOPIC_NAME_RE = re.compile(r"^[‘'“\"]([^’'”\"]{2,60})[’'”\"](?:은|는|이|가)")
# 'A와 B를 개최', 'A와 ‘B’를 개최': the event noun joined before the last name.
JOINED_EVENT_RE = re.compile(
    rf"((?<![^\s,])(?:(?![^\s,]*(?:에서|에|을|를|은|는|이|가|로|의)\s)[^\s,]{{2,}}\s)?[^\s,]*{EVENT_NOUNS})(?:와|과)\s+(?:[^\s,]+\s+){{0,3}}$")
LEADING_WORDS_RE = re.compile(
    r"^(?:(?:이어서?|또한?|특히|한편|이번|이날|당일|현지에서|연내|올해|내년|오는|다음|오전|오후|저녁|밤|새벽|아침"
    r"|\S*\d+일\S*|\S*\d+시\S*|\d+분|\S+부터|\S+까지|\S+에서)(?:\s+|$))+")


def _bare(word: str) -> str:
    """A name without its particle; '회의' keeps its '의'."""
    word = re.sub(r"(?:에서는|에서|에는)$", "", word)
    if re.search(r"회의$", word):
        return word
    return _TRAILING_PARTICLE_RE.sub("", word)


def _conjoined(text: str, clause: int, cue_start: int, names: list[str], found: list[Candidate],
               cue_kind: str | None) -> list[str]:
    """Every name of a listed object: 'A와 B를 시찰' (registry names) is two events, and
    so is 'A회의와 ‘B’를 개최' (an event noun joined before the last name)."""
    chain = _entity_chain(text, cue_start, found)
    if cue_kind in ("visit", "inspection", "meeting") and chain:
        return chain
    first = text.find(names[0]) if names and names[0] else -1
    before = text[clause:first - (1 if first > 0 and text[first - 1] in "‘'“\"" else 0)] if first >= clause else ""
    if not before and names and names[0]:
        words = text[clause:cue_start].split()
        joined = JOINED_EVENT_RE.search(" ".join(words[:-1]) + " ") if len(words) > 1 else None
        if joined and _bare(words[-1]) and not JOINED_EVENT_RE.search(_bare(words[-1])):
            return [_bare(joined.group(1)), *names]
        return names
    joined = JOINED_EVENT_RE.search(before)
    if joined:
        return [_bare(joined.group(1)), *names]
    return names


CHAIN_TAIL_RE = re.compile(r"\s*(?:[A-Za-z가-힣]{1,6}(?:\([A-Za-z]+\))?(?:와|과|를|을)\s*)?"
                           rf"(?:(?:{'|'.join(ADVERBS)})\s*)?")


def _entity_chain(text: str, cue_start: int, found: list[Candidate]) -> list[str]:
    """Registry names listed right before the cue: 'A와 B를', 'A, B를', 'A 및 B를'."""
    names = sorted({(c.start, c.end, c.fields["name"]) for c in found
                    if c.kind == "entity" and c.end <= cue_start and c.fields["table"] != "people"})
    chain: list[tuple[int, int, str]] = []
    for start, end, name in reversed(names):
        if not chain:
            # '칭화홀딩스를 방문', '칭화홀딩스의 CEO와 만나': the last name, or its title;
            # not a place where something happens ('베이징에서 회동을').
            if not CHAIN_TAIL_RE.fullmatch(text[end:cue_start]) or \
                    re.search(r"(?:에서|에|로|으로|에는|에서는)$", text[start:end]):
                return []
            chain.insert(0, (start, end, name))
            continue
        gap = text[end:chain[0][0]]
        joined = text[start:end].endswith(("와", "과")) and re.fullmatch(r"\s+", gap)
        if joined or re.fullmatch(r"\s*(?:,|및|·)\s*", gap):
            chain.insert(0, (start, end, name))
        elif start == chain[0][0]:
            continue  # the same name in two registries
        else:
            break
    return [name for _, _, name in chain]


def _event(sentence: Sentence, found: list[Candidate], earlier: list[Candidate], cue_kind: str | None,
           cue_start: int, clause: int, end: int, name: str) -> Candidate:
    text = sentence.text
    cue = text[cue_start:end]
    kind = _event_kind(None if cue_kind == "attend" else cue_kind, name)
    name = LEADING_WORDS_RE.sub("", name or "")
    if not name and cue_kind == "meeting":
        # '최 장관과 레이쥔 회장은 19일 회동을': the people met, after the first.
        met = [c.fields["name"] for c in _names_in(found, "people") if c.start < cue_start][1:]
        name = " ".join(met)
    if cue_kind in ("visit", "inspection", "meeting") and name and not re.search(r"회의|행사|방문|시찰", name):
        title = f"{name} {({'visit': '방문', 'inspection': '시찰', 'meeting': '면담'})[cue_kind]}"
    else:
        title = name or _bare(cue)
    dates = _dates_for(sentence, found, earlier, cue_start)
    date = dates["date"]
    people = _names_in(found, "people")
    organizations = _names_in(found, "organizations")
    places = [c for c in _names_in(found, "places") if c.start < end]
    subject = next((c for c in organizations if c.start < cue_start and c.text.endswith(("은", "는", "이", "가"))), None)
    # The main participant (for the event's id): the first one named who is not the
    # sentence's subject ('최 장관은 … 레이쥔 CEO를 만난다': Lei Jun).
    named = [c for c in (*people, *organizations) if c.start < end
             and not re.match(r"\s*따르면", text[c.end:])]  # not the source ('미래부에 따르면')
    named.sort(key=lambda c: c.start)
    in_title = [c for c in named if c.fields["name"] in title]
    main = next(iter(in_title), None) or next(
        (c for c in named if not c.text.endswith(("은", "는", "이", "가"))), named[0] if named else None)
    fields = {
        "cue": cue, "cue_kind": cue_kind, "event_kind": kind, "title_ko": title,
        "quote_start": clause, "quote": text[clause:end],
        "date_sentence": date.sentence if date else None,
        "when_ko": date.fields.get("when_ko") if date else None,
        "span_ko": date.fields.get("span_ko") if date else None,
        "time_ko": date.fields.get("time_ko") if date else None,
        "time_of_day": date.fields.get("time_of_day") if date else None,
        "start_date": date.fields.get("start_date") if date else None,
        "end_date": date.fields.get("end_date") if date else None,
        "date_basis": dates["basis"],
        "same_day_as_sentence": date.fields.get("same_day_as_sentence") if date else None,
        "status": _status(_verb_of(text, cue_start, end), text),
        "place": places[-1].fields["id"] if places else None,
        "organizer": subject.fields["id"] if subject and kind not in ("visit", "inspection") else None,
        "main": main.fields["id"] if main else (places[-1].fields["id"] if places else None),
        "people": [c.fields["id"] for c in people],
        "organizations": [c.fields["id"] for c in organizations],
    }
    return Candidate("event", sentence.key, cue_start, end, cue, fields)


def _mous(sentence: Sentence, found: list[Candidate], earlier: list[Candidate],
          registry: Registry) -> list[Candidate]:
    text = sentence.text
    out = []
    events = [c for c in found if c.kind == "event"]
    for match in MOU_CUE_RE.finditer(text):
        clause = _clause_start(text, match.start())
        end = _word_end(text, match.start() + len(match.group()) - 1)
        window = text[clause:match.start()]
        titles = QUOTED_NAME_RE.findall(window) or [""]
        parties = [c.fields["id"] for c in _names_in(found, "organizations")]
        if not parties:
            parties = _nearest_organizations(earlier)
        event = next((e for e in reversed(events) if e.start < match.start()), None)
        status = "signed" if PAST_RE.search(text[match.start():end] + "다") else "planned"
        # '‘A’와 ‘B’에 대한 양해각서': one memorandum on two subjects, titled by the first.
        out.append(Candidate("mou", sentence.key, match.start(), end, text[match.start():end], {
            "title_ko": titles[0], "subjects": titles, "quote_start": clause,
            "quote": text[clause:end], "status": status, "parties": parties,
            "event_sentence": event.sentence if event else None,
            "event_start": event.start if event else None,
        }))
    return out


def _nearest_organizations(earlier: list[Candidate]) -> list[str]:
    for candidate in reversed(earlier):
        if candidate.kind == "entity" and candidate.fields["table"] == "organizations":
            sentence = candidate.sentence
            return list(dict.fromkeys(
                c.fields["id"] for c in earlier
                if c.sentence == sentence and c.kind == "entity" and c.fields["table"] == "organizations"))
    return []


def content_id(kind: str, day: str | None, main: str | None) -> str:
    """An id from what the fact is: kind, day and main participant."""
    parts = [kind.replace("_", "-"), day or "undated", main or "unnamed"]
    return "-".join(p for p in parts if p)


def short_hash(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:6]


# Statistics: which figure, rank and period belong together ---------------------------

def statistic_groups(draft_candidates: list[Candidate], texts: dict[str, str]) -> list[dict]:
    """Figures and ranks grouped into proposed statistics: a figure takes the rank that
    follows it in the same clause ('324만7천명으로 세계 1위') and the period of its
    sentence nearest before it, or in brackets right after it ('(2012년 기준)')."""
    groups: list[dict] = []
    by_sentence: dict[str, list[Candidate]] = {}
    for candidate in draft_candidates:
        by_sentence.setdefault(candidate.sentence, []).append(candidate)
    for key, found in by_sentence.items():
        figures = [c for c in found if c.kind == "figure"]
        ranks = [c for c in found if c.kind == "rank"]
        periods = [c for c in found if c.kind == "period"]
        used_ranks = set()
        for figure in figures:
            rank = next((r for r in ranks if id(r) not in used_ranks and 0 <= r.start - figure.end <= 8
                         and not re.search(r"[,·]", texts[key][figure.end:r.start])), None)
            if rank is not None:
                used_ranks.add(id(rank))
            groups.append({"sentence": key, "figure": figure, "rank": rank,
                           "period": _period_for(periods, figure, rank, texts[key])})
        for rank in ranks:
            if id(rank) not in used_ranks:
                groups.append({"sentence": key, "figure": None, "rank": rank,
                               "period": _period_for(periods, rank, None, texts[key])})
    return groups


def _period_for(periods: list[Candidate], first: Candidate, rank: Candidate | None,
                text: str) -> Candidate | None:
    end = rank.end if rank else first.end
    after = [p for p in periods if 0 <= p.start - end <= 3 and re.fullmatch(r"\s*\(", text[end:p.start])]
    if after:
        return after[0]
    before = [p for p in periods if p.end <= first.start]
    return before[-1] if before else None


def figure_country(candidates: list[Candidate], registry: Registry, figure: Candidate, text: str) -> str:
    """The country of the registry name nearest before the figure in its sentence (a
    Chinese company's revenue is CN), else the country words of the sentence."""
    names = [c for c in candidates if c.kind == "entity" and c.sentence == figure.sentence
             and c.end <= figure.start]
    for name in reversed(names):
        country = registry.countries.get((name.fields["table"], name.fields["id"]))
        if country in ("KR", "CN"):
            return country
    return sentence_country(text, figure.start)


def sentence_country(text: str, position: int) -> str:
    """KR or CN: the nearest country word before `position` in the sentence."""
    best, where = None, -1
    for words, country in ((KOREA_WORDS, "KR"), (CHINA_WORDS, "CN")):
        for word in words:
            found = text.rfind(word, 0, position)
            if found > where and (len(word) > 1 or not re.match(r"[가-힣]", text[found + 1:found + 2] or " ")):
                best, where = country, found
    return best or "KR"


# Words before a figure that say when or how, not what is measured: '이어', '20일',
# '3년 동안', '약', '총'.
NOT_INDICATOR_RE = re.compile(
    r"이어서?|또한?|특히|한편|동안|간|약|총|모두|무려|최대|최소|이날|당일|현재|지난|올해|내년|작년|지난해"
    r"|[가-힣]*(?:부터|까지)|이다|이며|으로|로|는|은")


def indicator_before(text: str, position: int) -> str:
    """The words naming what a figure measures: up to three words before it in its
    clause, without the last word's particle and a leading country word."""
    clause = text[_clause_start(text, position):position]
    words = [w for w in clause.split() if not re.search(r"\d", w) and not NOT_INDICATOR_RE.fullmatch(w)][-3:]
    while words and words[0] in ("중국", "한국", "중국의", "한국의", "국내", "실제", "특히", "또"):
        words = words[1:]
    if not words:
        return ""
    words[-1] = _TRAILING_PARTICLE_RE.sub("", words[-1])
    return " ".join(w for w in words if w).strip("‘’“”'\"(),")


def statistic_category(indicator: str, sentence_text: str) -> str:
    for word, category in STATISTIC_CATEGORIES:
        if word in indicator:
            return category
    for word, category in STATISTIC_CATEGORIES:
        if word in sentence_text:
            return category
    return "market"
