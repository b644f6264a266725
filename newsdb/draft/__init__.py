"""Drafting: a new report's text turned into a proposed curated file (propose.py finds
the candidates, writer.py writes them as YAML)."""
