"""The site: the Datasette plugin (plugin.py, web/), its metadata (metadata.py), the home
page (home.py), table search (table_search.py), readable values (display.py), the serving
factory (serving.py) and what differs between Datasette 0.65 and 1.0 or from Datasette's
defaults for speed (compat.py)."""
