"""The home page `/` is the plugin's (newsdb/site/home.py): Datasette's template and numbers,
without describing every hidden table first."""
from __future__ import annotations

import html
import re

import pytest


@pytest.fixture(params=["served", "plain"])
def site(request, served_site, plain_site):
    return served_site if request.param == "served" else plain_site


async def test_home_page_leads_with_every_public_table(site):
    """The plugin's home page (newsdb/site/home.py) rendered with the site's index.html: every
    public table of the registry, grouped, then the database."""
    from newsdb.store.registry import TABLES

    page = await site.client.get("/")
    assert page.status_code == 200
    text = html.unescape(re.sub(r"\s+", " ", page.text))
    listed = page.text.split("The tables</h2>", 1)[1]
    links = re.findall(r'<li><a href="/news/([^"/?]+)">', listed)
    assert links == [t.name for group in ("facts", "worked_out", "supporting")
                     for t in TABLES if t.public and t.home == group]
    assert 'href="/news">The database</a>' in page.text
    assert "news.db — " in text  # the title and description of metadata.yml
    assert page.headers["link"].endswith(
        'rel="alternate"; type="application/json+datasette"')


async def test_home_page_does_no_work_for_hidden_tables(served_site, monkeypatch):
    db = served_site.get_database("news")
    hidden = set(await db.hidden_table_names())
    assert {"search_index", "search_index_data"} <= hidden
    checked = []
    permission_allowed = served_site.permission_allowed

    async def recording(actor, action, resource=None, default=False):
        checked.append(resource)
        return await permission_allowed(actor, action, resource, default)

    monkeypatch.setattr(served_site, "permission_allowed", recording)
    assert (await served_site.client.get("/")).status_code == 200
    tables = {resource[1] for resource in checked if isinstance(resource, tuple)}
    assert tables and not tables & hidden
    assert tables == set(await db.table_names()) - hidden | set(await db.view_names())
