"""The built database against the public contract and against the article itself."""
import re
import sqlite3

import pytest

import build_db
from contract import COLUMNS, FOREIGN_KEYS, LABEL_COLUMNS, VOCABULARIES
from newsdb.store.registry import TABLES

# Slugs, joined by '--' in composite ids (a claim: <source>--<table>-<fact>-<field>).
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*(--[a-z0-9]+(-[a-z0-9]+)*)*$")
FACT_TABLES = ["events", "statistics", "mous", "policies", "notes"]
ARTICLE = "2014-12-17-msip-minister-china-visit"


@pytest.fixture(scope="module")
def db(built_db):
    conn = sqlite3.connect(built_db)
    conn.row_factory = sqlite3.Row
    yield conn
    conn.close()


def rows(db, sql, *params):
    return [dict(row) for row in db.execute(sql, params)]


def table_names(db):
    """Every table the registry declares (the full-text index is checked in test_search)."""
    return [table.name for table in TABLES]


@pytest.mark.parametrize("table", sorted(COLUMNS))
def test_contract_columns_exist(db, table):
    columns = [r["name"] for r in rows(db, f"pragma table_info([{table}])")]
    missing = [c for c in COLUMNS[table] if c not in columns]
    assert not missing


def test_contract_foreign_keys_declared(db):
    declared = {(table, fk["from"], fk["table"])
                for table in COLUMNS
                for fk in rows(db, f"pragma foreign_key_list([{table}])")}
    assert FOREIGN_KEYS - declared == set()


def test_foreign_key_check_is_empty(db):
    assert rows(db, "pragma foreign_key_check") == []


def test_every_foreign_key_column_is_indexed(db):
    for table in table_names(db):
        indexed = {r["name"] for idx in rows(db, f"pragma index_list([{table}])")
                   for r in rows(db, f"pragma index_info([{idx['name']}])")}
        pks = {r["name"] for r in rows(db, f"pragma table_info([{table}])") if r["pk"]}
        for fk in rows(db, f"pragma foreign_key_list([{table}])"):
            assert fk["from"] in indexed | pks, f"{table}.{fk['from']} has no index"


def test_every_default_sort_column_leads_an_index(db):
    # A table page reads its first rows in its sort order through an index, not by
    # sorting the whole table (the claims page at 10,000 articles: 246 ms -> 2 ms).
    for table in TABLES:
        for column in filter(None, (table.sort, table.sort_desc)):
            leading = {rows(db, f"pragma index_info([{idx['name']}])")[0]["name"]
                       for idx in rows(db, f"pragma index_list([{table.name}])")}
            assert column in leading, f"{table.name}.{column} leads no index"


@pytest.mark.parametrize("table,column", sorted(LABEL_COLUMNS.items()))
def test_label_columns_are_filled(db, table, column):
    assert rows(db, f"select id from [{table}] where [{column}] is null or [{column}] = ''") == []


def test_every_table_has_a_primary_key(db):
    for table in table_names(db):
        assert any(r["pk"] for r in rows(db, f"pragma table_info([{table}])")), table


def test_no_empty_strings_anywhere(db):
    for table in table_names(db):
        for column in [r["name"] for r in rows(db, f"pragma table_info([{table}])")]:
            empty = rows(db, f"select count(*) n from [{table}] where trim([{column}]) = ''")
            assert empty[0]["n"] == 0, f"{table}.{column} has empty strings"


def test_ids_are_slugs(db):
    for table in table_names(db):
        if "id" in [r["name"] for r in rows(db, f"pragma table_info([{table}])")]:
            for row in rows(db, f"select id from [{table}]"):
                assert SLUG.match(row["id"]), f"{table}: {row['id']!r}"


@pytest.mark.parametrize("table,column", sorted(VOCABULARIES))
def test_controlled_vocabularies(db, table, column):
    values = {r["v"] for r in rows(db, f"select distinct [{column}] v from [{table}]")}
    assert values - {None} <= VOCABULARIES[(table, column)]


def test_article_metadata(db):
    [article] = rows(db, "select * from articles where id = ?", ARTICLE)
    assert article["title_ko"] == "미래부 장관, 샤오미 CEO 만난다, 왜?"
    assert article["subtitle_ko"] == "국내 IT기업과 협력 모색…정부, 中 동반자 관계 맺기 적극 나서"
    assert article["published_at"] == "2014-12-17T12:59:00+09:00"
    assert article["updated_at"] == "2014-12-17T14:36:00+09:00"
    assert article["publisher"] is None and article["url"] is None
    assert article["body_ko"].startswith("미래창조과학부가 기술강국·혁신기지로")
    assert article["body_ko"].endswith("대응전략을 모색한다는 계획이다.")
    assert "관련기사" not in article["body_ko"]


def test_sentence_offsets_reproduce_text(db):
    result = rows(db, "select s.id from sentences s join articles a on a.id = s.article_id "
                      "where substr(a.body_ko, s.char_start + 1, s.char_end - s.char_start)"
                      " != s.text_ko")
    assert result == []


def test_sentences_cover_the_body(db):
    [article] = rows(db, "select body_ko from articles where id = ?", ARTICLE)
    body = article["body_ko"]
    sentences = rows(db, "select * from sentences where article_id = ? order by char_start", ARTICLE)
    edges = [0] + [edge for s in sentences for edge in (s["char_start"], s["char_end"])] + [len(body)]
    gaps = [body[start:end] for start, end in zip(edges[::2], edges[1::2])]
    assert all(gap.strip() == "" for gap in gaps)
    assert [s["id"] for s in sentences if s["paragraph"] == 3] == [
        "2014-12-17-msip-minister-china-visit-p3-s1", "2014-12-17-msip-minister-china-visit-p3-s2"]


@pytest.mark.parametrize("table", FACT_TABLES)
def test_every_quote_is_verbatim_in_its_sentence(db, table):
    facts = rows(db, f"select t.id, t.quote, s.text_ko from [{table}] t "
                     "left join sentences s on s.id = t.sentence_id")
    assert facts
    for fact in facts:
        if fact["quote"] is None:
            continue
        assert fact["text_ko"] is not None, fact["id"]
        assert fact["quote"] in fact["text_ko"], fact["id"]


@pytest.mark.parametrize("table", ["events", "statistics", "mous", "policies"])
def test_every_fact_stated_by_an_article_has_its_evidence(db, table):
    assert rows(db, f"select id from [{table}] where article_id is not null "
                    "and (sentence_id is null or quote is null)") == []


@pytest.mark.parametrize("table", ["events", "statistics", "mous"])
def test_a_fact_without_evidence_rests_on_citations_alone(db, table):
    facts = rows(db, f"select id from [{table}] where article_id is null")
    assert facts  # the curated citations introduce facts of each kind
    for fact in facts:
        kinds = {r["kind"] for r in rows(
            db, "select s.kind from claims c join sources s on s.id = c.source_id "
                "where c.about_table = ? and c.about_id = ?", table, fact["id"])}
        assert kinds and "article" not in kinds, fact["id"]


def test_statistics_values_from_article_wording(db):
    got = {r["id"]: (r["value"], r["unit"], r["qualifier"], r["period"])
           for r in rows(db, "select * from statistics")}
    assert got["cn-full-time-rd-personnel-2012"] == (3247000, "persons", "exact", "2012")
    assert got["cn-it-exports-2013"] == (827900000000, "USD", "exact", "2013")
    assert got["kr-it-trade-surplus-2013"] == (89700000000, "USD", "exact", "2013")
    assert got["cn-foreign-exchange-reserves-2014-s2"] == (4e12, "USD", "more_than", "2014-S2")
    assert got["cn-startup-incubators-2011"] == (1500, "count", "approx", "../2011")
    assert got["cn-high-tech-development-zones"] == (100, "count", "more_than", "1994/2014")
    assert got["tsinghua-holdings-annual-revenue"] == (6.5e12, "KRW", "exact", None)
    assert got["cn-it-exports-rank-since-2004"][3] == "2004-01/.."
    assert got["cn-share-of-world-mobile-phone-consumption"][:2] == (pytest.approx(1 / 3), "fraction")


def test_ratios_are_recomputed_from_their_figures(db):
    ratios = rows(db, "select r.id, r.value, r.recomputed_value, r.recomputed_agrees, "
                      "a.value top, b.value base from statistics r "
                      "join statistics a on a.id = r.ratio_of_id "
                      "join statistics b on b.id = r.compared_to_id")
    assert {r["id"] for r in ratios} == {"cn-kr-it-exports-ratio-2013",
                                         "cn-kr-it-trade-surplus-ratio-2013"}
    for ratio in ratios:
        assert ratio["recomputed_value"] == pytest.approx(ratio["top"] / ratio["base"], abs=1e-6)
        assert ratio["recomputed_agrees"] == 1
        assert round(ratio["recomputed_value"], 1) == ratio["value"]


def test_rank_only_statements_have_no_value(db):
    for stat in rows(db, "select * from statistics where value_text_ko is null "
                         "and article_id is not null"):
        assert stat["value"] is None and stat["unit"] is None
        assert stat["rank"] is not None and stat["rank_scope"] is not None


def test_event_schedule(db):
    got = {r["id"]: (r["start_date"], r["end_date"], r["time_of_day"], r["date_basis"])
           for r in rows(db, "select * from events")}
    assert got["korea-china-st-ministerial-meeting-2014"] == ("2014-12-18", "2014-12-18", "morning", "stated")
    assert got["k-tech-china-2014"] == ("2014-12-18", "2014-12-18", "afternoon", "stated")
    # the held article implies 18-19; other reports state the 19th
    assert got["xiaomi-ceo-meeting-2014"][:2] == ("2014-12-19", "2014-12-19")
    assert got["xiaomi-ceo-meeting-2014"][3] == "stated"
    # within the two days in Beijing, however precise the reports make it
    start, end = got["zhongguancun-inspection-2014"][:2]
    assert "2014-12-18" <= start <= end <= "2014-12-19"
    assert got["china-strategy-workshop-2014"] == ("2014-12-20", "2014-12-20", None, "stated")
    # the held article says 사흘간 (17-19); its own schedule and three reports say 17-20
    assert got["msip-china-programme-2014"] == ("2014-12-17", "2014-12-20", None, "stated")


def test_inferred_events_have_notes(db):
    unnoted = rows(db, "select id from events where date_basis = 'inferred' and id not in "
                       "(select about_id from notes where about_table = 'events')")
    assert unnoted == []


def test_every_event_is_placed_and_only_the_reported_meetings_held(db):
    assert rows(db, "select id from events where place_id is null") == []
    held = {r["id"]: r["status_as_of"] for r in rows(
        db, "select id, status_as_of from events where status != 'planned'")}
    assert held["korea-china-st-ministerial-meeting-2014"] >= "2014-12-18"
    assert "korea-china-st-joint-committee-12-2014" in held
    # a status other than planned rests on a report after the event, dated status_as_of
    for event, as_of in held.items():
        assert rows(db, "select max(substr(s.published_at, 1, 10)) d from claims c "
                        "join sources s on s.id = c.source_id where c.about_id = ? and "
                        "c.field = 'status' and c.tense = 'after' and c.relation = 'confirms'",
                    event)[0]["d"] == as_of, event


def test_participants_reference_exactly_one_party(db):
    assert rows(db, "select id from event_participants where "
                    "(person_id is null) = (organization_id is null)") == []


def test_mous_signed_at_the_ministers_meeting(db):
    mous = rows(db, "select m.id, m.event_id, m.planned_date, m.status, m.signed_date, "
                    "m.status_as_of, group_concat(p.organization_id) parties from mous m "
                    "join mou_parties p on p.mou_id = m.id where m.article_id is not null "
                    "group by m.id")
    # one memorandum with two subjects: no report supports two
    assert [mou["id"] for mou in mous] == ["mou-industry-academia-research-joint-research"]
    for mou in mous:
        assert mou["event_id"] == "korea-china-st-ministerial-meeting-2014"
        assert mou["planned_date"] == "2014-12-18"
        assert (mou["status"], mou["signed_date"], mou["status_as_of"]) == \
            ("signed", "2014-12-18", "2014-12-18")
        assert sorted(mou["parties"].split(",")) == ["most-china", "msip"]


def test_places_have_parents_up_to_a_country(db):
    for place in rows(db, "select id from places"):
        chain = rows(db, "with recursive up(id, parent_id, kind) as ("
                         "select id, parent_id, kind from places where id = ? union all "
                         "select p.id, p.parent_id, p.kind from places p join up on p.id = up.parent_id)"
                         " select kind from up", place["id"])
        assert chain[-1]["kind"] == "country"


def test_known_names_in_three_languages(db):
    people = {r["id"]: (r["name_en"], r["name_zh"]) for r in rows(db, "select * from people")}
    assert people["lei-jun"] == ("Lei Jun", "雷军")
    assert people["wan-gang"] == ("Wan Gang", "万钢")
    assert people["xu-jinghong"] == ("Xu Jinghong", "徐井宏")
    assert people["choi-yang-hee"] == ("Choi Yang-hee", None)


def test_ids_are_stable_across_rebuilds(tmp_path, built_db):
    again = tmp_path / "again.db"
    assert build_db.main(["--output", str(again)]) == 0
    for path in (built_db, again):
        conn = sqlite3.connect(path)
        ids = {t: [r[0] for r in conn.execute(f"select id from [{t}] order by id")]
               for t in ("events", "statistics", "sentences", "notes", "mous", "places")}
        conn.close()
        if path == built_db:
            first = ids
    assert ids == first


def test_summary_line(tmp_path, capsys):
    assert build_db.main(["--output", str(tmp_path / "x.db")]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    counted = dict(re.findall(r"(\w+) (\d+)", out[0].split(": ", 1)[1]))
    assert list(counted) == [table.name for table in TABLES]


def test_registry_entities_point_to_the_sentences_naming_them(db):
    unmentioned = rows(db, "select 'places' t, id from places where id not in "
                           "(select place_id from mentions where place_id is not null) union all "
                           "select 'organizations', id from organizations where id not in "
                           "(select organization_id from mentions where organization_id is not null) "
                           "union all select 'people', id from people where id not in "
                           "(select person_id from mentions where person_id is not null)")
    # Entities that only citations name (no sentence of theirs is held) and parent places
    # added from the registry, which the held article never names.
    cited = {(r["t"], r["id"]) for r in rows(
        db, "select 'people' t, person_id id from event_participants where person_id is not null "
            "union select 'organizations', organization_id from event_participants "
            "union select 'organizations', organization_id from mou_parties "
            "union select 'places', place_id from events where article_id is null "
            "union select 'organizations', organization_id from people "
            "union select 'places', parent_id from places")}
    assert {(r["t"], r["id"]) for r in unmentioned} - cited == set()
    assert {(r["t"], r["id"]) for r in unmentioned} >= {("places", "haidian-district"),
                                                        ("places", "pudong-new-area")}
    for mention in rows(db, "select m.quote, s.text_ko from mentions m "
                            "join sentences s on s.id = m.sentence_id"):
        assert mention["quote"] in mention["text_ko"]


def test_longest_name_wins_in_mentions(db):
    quotes = {r["quote"] for r in rows(db, "select quote from mentions where place_id = 'ssrf'")}
    assert quotes == {"상해 3세대 싱크로트론 방사광원"}
    assert rows(db, "select count(*) n from mentions where person_id = 'choi-yang-hee'")[0]["n"] == 4
