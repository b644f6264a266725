"""The `newsdb` command line: build, check, serve, export, and list an article's sentences.

    newsdb build [--sources DIR] [--output news.db] [--export DIR]
    newsdb check [--sources DIR]
    newsdb serve [--db news.db] [--host H] [--port P] [--workers N]
    newsdb export DIR [--db news.db]
    newsdb sentences ARTICLE [--sources DIR]
    newsdb draft SOURCE [--sources DIR] [--force] [--no-analyser]
    newsdb cite REPORT.txt [--sources DIR] [--url URL] [--published DATE] [--id ID] [--force]
    newsdb schema [--check]

Problems in the sources are printed as `error: file:line: record 'x': field 'y': ...`
lines and the command exits 1 without a traceback; a failed build leaves the previous
database untouched.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import click

# Relative to the directory the command runs in: a checkout's top level, by default.
SOURCES = Path("sources")
DATABASE = Path("news.db")
# The site's prose is looked for beside the sources folder (a checkout keeps them so).
SITE_PROSE = "metadata.yml"

sources_option = click.option(
    "--sources", type=click.Path(path_type=Path), default=SOURCES, show_default=True,
    help="Folder of curated sources.")


@click.group()
@click.version_option(package_name="news-db")
def cli():
    """news.db: Korean news reports as a sourced, queryable SQLite database."""


@cli.command()
@sources_option
@click.option("--output", type=click.Path(path_type=Path), default=DATABASE,
              show_default=True, help="Database to write.")
@click.option("--metadata", type=click.Path(path_type=Path),
              help="The site's prose, stored in the database for the plugin "
                   "[default: metadata.yml beside the sources folder, when there is one].")
@click.option("--export", "export_dir", type=click.Path(path_type=Path), metavar="DIR",
              help="After building, export the new database to DIR.")
def build(sources: Path, output: Path, metadata: Path | None, export_dir: Path | None):
    """Build the database from the curated sources, atomically."""
    from newsdb.store.build import (build as build_database, build_outcome, report_problems,
                                    summary)
    from newsdb.store.finishers import FINISHERS

    if metadata is None and (sources.absolute().parent / SITE_PROSE).is_file():
        metadata = sources.absolute().parent / SITE_PROSE
    counts, problems = build_database(sources, output, FINISHERS, metadata)
    if counts is None:
        report_problems(problems, outcome=build_outcome(output))
        sys.exit(1)
    click.echo(summary(output, counts))
    if export_dir:
        from newsdb import export

        sys.exit(export.run(output, export_dir))


@cli.command()
@sources_option
def check(sources: Path):
    """Validate the sources and report every problem; writes nothing."""
    from newsdb.store.build import collect, report_problems
    from newsdb.store.staging import Stage

    # As a build does, the rows a report fills are staged outside memory: in a
    # temporary folder, removed with everything in it.
    with tempfile.TemporaryDirectory(prefix="newsdb-check-") as folder:
        stage = Stage(Path(folder) / "check.staging")
        try:
            tables, problems = collect(sources, stage=stage)
            counts = tables and ", ".join(f"{name} {len(rows)}"
                                          for name, rows in tables.items())
        finally:
            stage.close()
    if tables is None:
        report_problems(problems, outcome="check failed: {count} problem(s) found")
        sys.exit(1)
    click.echo(f"sources are valid: {counts}")


@cli.command()
@click.option("--db", type=click.Path(path_type=Path), default=DATABASE, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8001, show_default=True)
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True,
              help="Worker processes (the file is immutable, each serves it alone).")
def serve(db: Path, host: str, port: int, workers: int):
    """Serve the database with Datasette and the project's plugin."""
    if not db.is_file():
        raise click.ClickException(f"{db} does not exist; build it first with newsdb build")
    from newsdb.site.serving import serve as run

    run(db, host, port, workers)


@cli.command("export")
@click.argument("out_dir", metavar="DIR", type=click.Path(path_type=Path))
@click.option("--db", type=click.Path(path_type=Path), default=DATABASE, show_default=True)
def export_command(out_dir: Path, db: Path):
    """Export a Frictionless Data Package, spreadsheet CSV and Parquet into DIR."""
    from newsdb import export

    sys.exit(export.run(db, out_dir))


@cli.command()
@click.argument("article")
@sources_option
def sentences(article: str, sources: Path):
    """List an article's sentence keys and text: ARTICLE is an article id, or the path of
    its .yml or .txt file."""
    from newsdb.store.build import report_problems
    from newsdb.curated.problems import Problems
    from newsdb.curated.reader import read_article_sentences

    problems = Problems()
    found = read_article_sentences(sources, article, problems)
    if found is None:
        report_problems(problems, outcome="sentences failed: {count} problem(s) found")
        sys.exit(1)
    for sentence in found:
        click.echo(f"{sentence.key}\t{sentence.text}")


@cli.command()
@click.argument("report", type=click.Path(path_type=Path))
@sources_option
@click.option("--url", help="The page's URL, when the pasted text does not show it.")
@click.option("--published", help="Publication day or time (YYYY-MM-DD or YYYY-MM-DDTHH:MM), "
                                  "when the page shows neither a date line nor a day in its URL.")
@click.option("--id", "citation_id", help="The citation's id [default: <outlet>-<day>-<hash of the URL>].")
@click.option("--force", is_flag=True, help="Replace an existing draft.")
def cite(report: Path, sources: Path, url: str | None, published: str | None,
         citation_id: str | None, force: bool):
    """Propose the citation of another outlet's report: REPORT is its page as pasted (keep
    it outside the repository); the draft is written to
    <sources>/citations/<id>.draft.yml, with claims about the facts already held."""
    from newsdb.draft.cite import draft_citation
    from newsdb.draft.held import read_held
    from newsdb.draft.page import read_page
    from newsdb.draft.propose import Registry
    from newsdb.draft.writer import write_citation

    if not report.is_file():
        raise click.ClickException(f"{report} does not exist")
    try:
        text = report.read_bytes().decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        raise click.ClickException(f"{report}: not valid UTF-8 ({error.reason})") from None
    try:
        page = read_page(text, url=url, published=published)
    except ValueError as error:
        raise click.ClickException(f"--published: {error}") from None
    if page.published_at is None:
        raise click.ClickException(
            f"{report}: no date line and no day in the URL: give the day with --published YYYY-MM-DD")
    if not page.paragraphs:
        raise click.ClickException(f"{report}: expected the report's text: no body line was found")
    try:
        registry = Registry.from_sources(sources)
        held = read_held(sources)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    found = draft_citation(page, registry, held)
    if citation_id:
        found.id = citation_id
    output = sources / "citations" / f"{found.id}.draft.yml"
    if output.exists() and not force:
        raise click.ClickException(
            f"{output} exists: a draft is never replaced silently (use --force to replace it)")
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(write_citation(found, report.name), encoding="utf-8")
    new = ", ".join(f"{f.table} {sum(1 for g in found.new_facts if g.table == f.table)}"
                    for f in {f.table: f for f in found.new_facts}.values()) or "none"
    click.echo(f"wrote {output}: {len(found.claims)} claims, new facts: {new}")
    for flag in found.already_held:
        click.echo(f"warning: already held? {flag}")


@cli.command()
@click.argument("source", type=click.Path(path_type=Path))
@sources_option
@click.option("--force", is_flag=True, help="Replace an existing <stem>.draft.yml.")
@click.option("--no-analyser", is_flag=True,
              help="Skip the Korean analyser (no proposed registry entries; starts in 0.3 s).")
def draft(source: Path, sources: Path, force: bool, no_analyser: bool):
    """Propose the curated file of a new article: SOURCE is its .txt (the header format of
    sources/articles); the draft is written beside it as <stem>.draft.yml."""
    from newsdb.curated.article_text import ArticleFormatError, read_source_text
    from newsdb.draft.propose import Registry, _artefacts, draft_article
    from newsdb.draft.writer import write_draft

    if source.suffix != ".txt":
        raise click.ClickException(f"{source}: expected the article's .txt file")
    if not source.is_file():
        raise click.ClickException(f"{source} does not exist")
    output = source.with_name(f"{source.stem}.draft.yml")
    if output.exists() and not force:
        raise click.ClickException(
            f"{output} exists: a draft is never replaced silently (use --force to replace it)")
    try:
        text = read_source_text(source.read_bytes())
    except UnicodeDecodeError as error:
        raise click.ClickException(f"{source}: not valid UTF-8 ({error.reason})") from None
    try:
        registry = Registry.from_sources(sources)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    analyser = None
    if not no_analyser:
        from newsdb.korean.analyser import analyser_for

        analyser = analyser_for(registry.names())
    try:
        found = draft_article(text, registry, analyser)
    except ArticleFormatError as error:
        where = f"{source}:{error.line}" if error.line else str(source)
        raise click.ClickException(f"{where}: {error}") from None
    output.write_text(write_draft(found, source.stem, source.name, _artefacts(text)), encoding="utf-8")
    counts: dict[str, int] = {}
    for candidate in found.candidates:
        counts[candidate.kind] = counts.get(candidate.kind, 0) + 1
    summary = ", ".join(f"{kind} {count}" for kind, count in sorted(counts.items()))
    click.echo(f"wrote {output}: {summary}")
    if source.with_suffix(".yml").exists():
        click.echo(f"note: {source.with_suffix('.yml')} (the curated file) exists and was not touched")


@cli.command()
@click.option("--check", is_flag=True,
              help="Write nothing; exit 1 when schemas/, the README's field reference or a "
                   "curated file's schema line is not what the models give.")
@click.option("--root", type=click.Path(path_type=Path, file_okay=False), default=Path("."),
              show_default=True, help="The checkout whose schemas/ and README.md to write.")
def schema(check: bool, root: Path):
    """Write the JSON Schema of every curated file (schemas/*.schema.json) and the README's
    field reference, both generated from newsdb/curated/models.py."""
    from newsdb.json_schemas import stale, write

    if check:
        problems = stale(root)
        for problem in problems:
            click.echo(f"error: {problem}", err=True)
        sys.exit(1 if problems else 0)
    changed = write(root)
    for path in changed:
        click.echo(f"wrote {path.relative_to(root)}")
    if not changed:
        click.echo("schemas and field reference are current")


def main() -> None:
    cli()
