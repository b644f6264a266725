"""The site: the Datasette plugin (plugin.py, web/), its metadata (metadata.py), the home
page (home.py), table search (table_search.py), readable values (display.py) and the
serving factory (serving.py)."""
