"""The curated input: the sources folder read (reader.py) and checked against the models
(models.py, validation.py) and vocabularies, every problem located by file and line
(yaml_source.py, problems.py); the site's prose (site_prose.py)."""
