"""Scoring outside the endpoint: batch (a scheduled job writing a table) and asynchronous
(a job started through the Jobs API, its results keyed by the job run id).

Both score with the version behind an alias, resolved once at the start and written next to
every prediction, so a table row always says which model version produced it. The Spark and
MLflow work is in `spark.SparkEngine`; the logic here takes an engine, and the tests a fake.
"""
