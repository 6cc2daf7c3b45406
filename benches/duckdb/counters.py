#!/usr/bin/env python3
"""Computes countervalue.csv for a dataset directory with DuckDB.

An independent implementation of SPEC sections 1-4 and 6, written from the
SPEC alone, used to check the crate's output and as the benchmark baseline:

    counters.py DATASET --output FILE [--threads N] [--memory-limit SIZE]

Python reads settings.json and the CSV headers and builds one SQL
statement; DuckDB does all the counting and writes the file.

DuckDB keeps instants in microseconds and truncates a finer fraction when
it reads a date, so a date less than a microsecond after `now` counts as
in period here while the crate, which compares exact instants, sees a
future date. The generate example writes at most six fraction digits. Bad input is not diagnosed as the SPEC asks;
this is a reference for valid datasets.
"""

import argparse
import datetime
import json
import os
import sys

import duckdb

ACTIVITY_COLUMNS = {
    "id": "BIGINT",
    "contact_id": "BIGINT",
    "person_id": "BIGINT",
    "project_id": "BIGINT",
    "record_type": "BIGINT",
    "direction": "BIGINT",
    "intent_id": "BIGINT",
    "status": "BIGINT",
    "mother_id": "BIGINT",
    "date": "TIMESTAMPTZ",
}
SALE_COLUMNS = {
    "id": "BIGINT",
    "contact_id": "BIGINT",
    "person_id": "BIGINT",
    "project_id": "BIGINT",
    "status": "BIGINT",
    "done": "BOOLEAN",
    "amount": "DOUBLE",
    "date": "TIMESTAMPTZ",
}
TICKET_COLUMNS = {
    "id": "BIGINT",
    "contact_id": "BIGINT",
    "person_id": "BIGINT",
    "status": "BIGINT",
    "category_id": "BIGINT",
    "date": "TIMESTAMPTZ",
}

# Owner kinds in the order of the key columns; the index is the "kind"
# column inside the query.
OWNER_KINDS = ["contact", "person", "project"]
KEY_COLUMNS = [
    "contact_id", "person_id", "project_id", "record_type", "direction",
    "intent_id", "sale_status", "amount_class_id", "ticket_status",
    "ticket_category_id",
]
VALUE_COLUMNS = [
    "total_reg", "total_reg_in_period", "not_completed",
    "not_completed_in_period", "last_registered", "last_completed",
    "last_do_by", "extra1_count", "extra2_count", "extra3_count",
    "extra4_count",
]
MICROS_PER_DAY = 86_400 * 1_000_000


def epoch_micros(text):
    instant = datetime.datetime.fromisoformat(text)
    if instant.tzinfo is None:
        raise SystemExit(f"settings.json: now {text!r} has no offset")
    delta = instant - datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 \
        + delta.microseconds


def sql_string(text):
    return "'" + text.replace("'", "''") + "'"


def source(dataset, name, columns):
    """A FROM item that reads one record file, or an empty relation when
    the file is missing. Columns may come in any order in the file."""
    path = os.path.join(dataset, name)
    if not os.path.exists(path):
        fields = ", ".join(f"NULL::{t} AS {c}" for c, t in columns.items())
        return f"(SELECT {fields} WHERE false)"
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\r\n").split(",")
    unknown = [c for c in header if c not in columns]
    missing = [c for c in columns if c not in header]
    if unknown or missing:
        raise SystemExit(f"{name}: unknown columns {unknown}, "
                         f"missing columns {missing}")
    typed = ", ".join(f"{sql_string(c)}: '{columns[c]}'" for c in header)
    return (f"read_csv({sql_string(path)}, header = true, delim = ',', "
            f"quote = '\"', escape = '\"', columns = {{{typed}}})")


def period_flags(settings, kinds):
    """SQL for the in-period flags of a record owned by `kind`: 1 in the
    period, 0 outside it, NULL when the kind's period is disabled."""
    now = epoch_micros(settings["now"])
    flags = []
    for k in range(3):
        cases = []
        for kind in kinds:
            days = settings["owners"][OWNER_KINDS[kind]]["periods"][k]
            if days is None:
                cases.append(f"WHEN {kind} THEN NULL")
            else:
                start = now - int(days) * MICROS_PER_DAY
                cases.append(
                    f"WHEN {kind} THEN (d IS NOT NULL AND d >= {start} "
                    f"AND d <= {now})::INTEGER")
        flags.append(f"CASE kind {' '.join(cases)} END AS p{k + 1}")
    return ", ".join(flags)


def owner_column(kind):
    return ["contact_id", "person_id", "project_id"][kind]


def counted(settings, kinds, record_sql, dims):
    """Rows of one source kind.

    `record_sql` selects, per counted record, the owner ids, `done`, `d`
    (the date in epoch microseconds) and the source's dimension columns
    named in `dims`, a list of (column, "all" code). Records are spread
    over their owners, pre-aggregated per specific key, fanned out to the
    "all" codes and aggregated again: sums and maxima merge.
    """
    kinds = [k for k in kinds
             if settings["owners"].get(OWNER_KINDS[k], {}).get("enabled")]
    if not kinds:
        return None
    owner = "CASE kind " + " ".join(
        f"WHEN {k} THEN {owner_column(k)}" for k in kinds) + " END"
    dim_names = [c for c, _ in dims]
    dim_list = ", ".join(dim_names)

    # Every subset of the dimensions to keep specific; a dimension whose
    # value is unknown (0) is only ever "all".
    fan = " UNION ALL ".join(
        "SELECT " + ", ".join(
            f"{'true' if mask >> i & 1 else 'false'} AS s{i}"
            for i in range(len(dims)))
        for mask in range(1 << len(dims)))
    fanned = ", ".join(
        f"CASE WHEN s{i} THEN {c} ELSE {all_code} END AS {c}"
        for i, (c, all_code) in enumerate(dims))
    keep = " AND ".join(f"(NOT s{i} OR {c} <> 0)"
                        for i, (c, _) in enumerate(dims))

    return f"""
    (WITH records AS ({record_sql}),
    owned AS (
        SELECT kind, {owner} AS owner, {dim_list}, done, d,
               {period_flags(settings, kinds)}
        FROM records,
             (VALUES {", ".join(f"({k})" for k in kinds)}) kinds(kind)
    ),
    specific AS (
        SELECT kind, owner, {dim_list},
            count(*) AS n,
            sum(p1) AS n1,
            count(*) FILTER (WHERE NOT done) AS nc,
            sum(p1 * (NOT done)::INTEGER) AS nc1,
            max(d) AS last_registered,
            max(d) FILTER (WHERE done) AS last_completed,
            max(d) FILTER (WHERE NOT done) AS last_do_by,
            sum(p2) AS n2,
            sum(p2 * (NOT done)::INTEGER) AS nc2,
            sum(p3) AS n3,
            sum(p3 * (NOT done)::INTEGER) AS nc3
        FROM owned
        WHERE owner > 0
        GROUP BY ALL
    )
    SELECT kind, owner, {dim_list},
        sum(n) AS n,
        sum(n1) AS n1,
        sum(nc) AS nc,
        sum(nc1) AS nc1,
        max(last_registered) AS last_registered,
        max(last_completed) AS last_completed,
        max(last_do_by) AS last_do_by,
        sum(n2) AS n2,
        sum(nc2) AS nc2,
        sum(n3) AS n3,
        sum(nc3) AS nc3
    FROM (
        SELECT kind, owner, {fanned}, n, n1, nc, nc1, last_registered,
            last_completed, last_do_by, n2, nc2, n3, nc3
        FROM specific, ({fan}) fan
        WHERE {keep}
    )
    GROUP BY ALL)"""


def amount_class_sql(settings):
    cases = []
    for c in settings.get("amount_classes", []):
        tests = []
        if c.get("from") is not None:
            tests.append(f"amount >= {float(c['from'])!r}::DOUBLE")
        if c.get("to") is not None:
            tests.append(f"amount < {float(c['to'])!r}::DOUBLE")
        cases.append(
            f"WHEN {' AND '.join(tests) or 'true'} THEN {int(c['id'])}")
    if not cases:
        return "0"
    return f"CASE {' '.join(cases)} ELSE 0 END"


def build_query(dataset, settings, output):
    activities = source(dataset, "activities.csv", ACTIVITY_COLUMNS)
    sales = source(dataset, "sales.csv", SALE_COLUMNS)
    tickets = source(dataset, "tickets.csv", TICKET_COLUMNS)

    parts = []
    # Activities: invitation children are not counted.
    act = counted(settings, [0, 1, 2], f"""
        SELECT contact_id, person_id, project_id,
               record_type, direction, intent_id,
               status = 3 AS done, epoch_us(date) AS d
        FROM {activities}
        WHERE mother_id = 0 OR mother_id = id""",
        [("record_type", 10), ("direction", 3), ("intent_id", 0)])
    if act:
        parts.append(f"""SELECT kind, owner, record_type, direction,
            intent_id, 0 AS sale_status, 0 AS amount_class_id,
            0 AS ticket_status, 0 AS ticket_category_id, * EXCLUDE (kind,
            owner, record_type, direction, intent_id) FROM {act}""")
    sale = counted(settings, [0, 1, 2], f"""
        SELECT contact_id, person_id, project_id,
               status AS sale_status,
               {amount_class_sql(settings)} AS amount_class_id,
               done, epoch_us(date) AS d
        FROM {sales}""",
        [("sale_status", 1000), ("amount_class_id", 0)])
    if sale:
        parts.append(f"""SELECT kind, owner, 0 AS record_type,
            0 AS direction, 0 AS intent_id, sale_status, amount_class_id,
            0 AS ticket_status, 0 AS ticket_category_id, * EXCLUDE (kind,
            owner, sale_status, amount_class_id) FROM {sale}""")
    # Tickets: deleted (4) and merged (5) are not counted; no projects.
    ticket = counted(settings, [0, 1], f"""
        SELECT contact_id, person_id,
               status AS ticket_status, category_id AS ticket_category_id,
               status = 2 AS done, epoch_us(date) AS d
        FROM {tickets}
        WHERE status NOT IN (4, 5)""",
        [("ticket_status", 1000), ("ticket_category_id", 0)])
    if ticket:
        parts.append(f"""SELECT kind, owner, 0 AS record_type,
            0 AS direction, 0 AS intent_id, 0 AS sale_status,
            0 AS amount_class_id, ticket_status, ticket_category_id,
            * EXCLUDE (kind, owner, ticket_status, ticket_category_id)
            FROM {ticket}""")

    def date(column):
        return (f"CASE WHEN {column} IS NULL THEN NULL "
                f"WHEN {column} % 1000000 = 0 THEN strftime("
                f"make_timestamp({column}), '%Y-%m-%dT%H:%M:%SZ') "
                f"ELSE strftime(make_timestamp({column}), "
                f"'%Y-%m-%dT%H:%M:%S.%fZ') END AS {column}")

    if parts:
        rows = " UNION ALL ".join(f"({p})" for p in parts)
    else:
        rows = ("SELECT " + ", ".join(
            f"NULL::BIGINT AS {c}" for c in [
                "kind", "owner", *KEY_COLUMNS[3:], "n", "n1", "nc", "nc1",
                "last_registered", "last_completed", "last_do_by", "n2",
                "nc2", "n3", "nc3"]) + " WHERE false")
    select = f"""
    SELECT
        CASE WHEN kind = 0 THEN owner ELSE 0 END AS contact_id,
        CASE WHEN kind = 1 THEN owner ELSE 0 END AS person_id,
        CASE WHEN kind = 2 THEN owner ELSE 0 END AS project_id,
        {", ".join(KEY_COLUMNS[3:])},
        n AS total_reg,
        n1 AS total_reg_in_period,
        nc AS not_completed,
        nc1 AS not_completed_in_period,
        {date("last_registered")},
        {date("last_completed")},
        {date("last_do_by")},
        n2 AS extra1_count,
        nc2 AS extra2_count,
        n3 AS extra3_count,
        nc3 AS extra4_count
    FROM ({rows})
    ORDER BY {", ".join(KEY_COLUMNS)}"""
    return (f"COPY ({select}) TO {sql_string(output)} "
            f"(FORMAT csv, HEADER true, DELIMITER ',')")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset")
    parser.add_argument("--output", required=True)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--memory-limit")
    parser.add_argument("--print-sql", action="store_true",
                        help="print the statement instead of running it")
    args = parser.parse_args()

    with open(os.path.join(args.dataset, "settings.json"),
              encoding="utf-8") as f:
        settings = json.load(f)
    settings.setdefault("owners", {})
    for kind in OWNER_KINDS:
        settings["owners"].setdefault(
            kind, {"enabled": False, "periods": [None] * 3})

    # Written under a temporary name and renamed when complete.
    partial = args.output + ".partial"
    query = build_query(args.dataset, settings, partial)
    if args.print_sql:
        print(query)
        return
    con = duckdb.connect(config={"threads": args.threads})
    con.execute("SET TimeZone = 'UTC'")
    if args.memory_limit:
        con.execute(f"SET memory_limit = {sql_string(args.memory_limit)}")
    try:
        con.execute(query)
    except duckdb.Error as e:
        if os.path.exists(partial):
            os.remove(partial)
        sys.exit(f"counters.py: {e}")
    os.replace(partial, args.output)


if __name__ == "__main__":
    main()
