"""Facts and claims: the rows of every fact table made from the curated records (rows.py),
what each report claims about each fact (claims.py) and the written rules that decide
between them (reconcile.py)."""
