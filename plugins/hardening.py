"""Limits for the public site that no Datasette setting covers.

Loaded with `--plugins-dir plugins` (see newsdb/serving.py). Datasette already refuses
anything but a single SELECT in `?sql=`, serves the file immutable and stops a query at
sql_time_limit_ms; this closes what those leave open.
"""
from __future__ import annotations

import sqlite3

from datasette import hookimpl

# The longest value in news.db is an article body of some tens of kilobytes. Without a
# limit `select randomblob(1000000000)` builds a gigabyte in a single step of SQLite's
# virtual machine, which the time limit cannot interrupt, and Datasette then encodes it
# into JSON: one request could exhaust the server's memory.
MAX_VALUE_BYTES = 1_000_000

# fts3_tokenizer(name) returns a C pointer and fts3_tokenizer(name, pointer) installs
# one: a memory disclosure and a code-execution primitive in SQLite builds with
# SQLITE_ENABLE_FTS3_TOKENIZER (Debian's). ATTACH would open other files; Datasette's
# SQL check refuses it already, this holds even if that check changes.
REFUSED_FUNCTIONS = {"fts3_tokenizer", "load_extension"}
REFUSED_ACTIONS = {sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH}


def authorize(action, arg1, arg2, database, trigger):
    if action in REFUSED_ACTIONS:
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_FUNCTION and arg2 and arg2.lower() in REFUSED_FUNCTIONS:
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


@hookimpl
def prepare_connection(conn):
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
    conn.set_authorizer(authorize)
