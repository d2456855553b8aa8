"""Reading and writing Unity Catalog tables with Spark (serverless job compute has it).

The only module that touches Spark. The decision logic elsewhere works on lists of dicts, so
the tests run without Spark.
"""

from __future__ import annotations

import json
from typing import Any

from .errors import TaskError


def spark() -> Any:
    from pyspark.sql import SparkSession

    return SparkSession.builder.getOrCreate()


def table_exists(w: Any, table: str) -> bool:
    return bool(w.tables.exists(table).table_exists)


def read_rows(table: str, *, where: Any = None, limit: int | None = None) -> list[dict[str, Any]]:
    """Rows of `table` as dicts; `where` is a pyspark Column condition."""
    frame = spark().table(table)
    if where is not None:
        frame = frame.where(where)
    if limit is not None:
        frame = frame.limit(limit)
    return [row.asDict() for row in frame.collect()]


def write_rows(rows: list[dict[str, Any]], table: str, *, mode: str = "append") -> None:
    if not rows:
        return
    session = spark()
    frame = session.createDataFrame(rows)
    writer = frame.write.mode(mode)
    writer = writer.option("overwriteSchema" if mode == "overwrite" else "mergeSchema", "true")
    writer.saveAsTable(table)


def require_table(w: Any, table: str, hint: str) -> None:
    if not table_exists(w, table):
        raise TaskError(f"table {table} does not exist: {hint}")


def recent_requests(w: Any, table: str, limit: int) -> list[dict[str, Any]]:
    """The newest successful request bodies of an AI Gateway inference table ([] before the
    endpoint has served anything)."""
    from pyspark.sql import functions as F

    if not table_exists(w, table):
        return []
    rows = (spark().table(table).where(F.col("status_code") == 200)
            .orderBy(F.col("request_time").desc()).limit(limit).select("request").collect())
    out = []
    for row in rows:
        try:
            body = json.loads(row["request"])
        except (TypeError, ValueError):
            continue
        if isinstance(body, dict):
            out.append(body)
    return out
