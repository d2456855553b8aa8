"""The scoring engine on Databricks: MLflow to load the model, Spark to read and write tables."""

from __future__ import annotations

from typing import Any

from ..tables import spark


def _registry() -> Any:
    import mlflow

    mlflow.set_registry_uri("databricks-uc")
    return mlflow


class SparkEngine:
    def __init__(self, w: Any):
        self.w = w

    def table_exists(self, table: str) -> bool:
        from ..tables import table_exists

        return table_exists(self.w, table)

    def input_columns(self, model_uri: str) -> list[str]:
        """The columns the model's signature asks for."""
        mlflow = _registry()
        signature = mlflow.models.get_model_info(model_uri).signature
        return list(signature.inputs.input_names()) if signature else []

    def table_columns(self, table: str) -> list[str]:
        return list(spark().table(table).columns)

    def score_table(self, model_uri: str, columns: list[str], source: str, target: str,
                    version: str) -> int:
        from pyspark.sql import functions as F

        mlflow = _registry()
        session = spark()
        predict = mlflow.pyfunc.spark_udf(session, model_uri, result_type="double")
        scored = (
            session.table(source)
            .withColumn("prediction", predict(F.struct(*[F.col(c) for c in columns])))
            .withColumn("model_version", F.lit(version))
            .withColumn("scored_at", F.current_timestamp())
        )
        scored.write.mode("append").option("mergeSchema", "true").saveAsTable(target)
        return scored.count()

    def predict(self, model_uri: str, records: list[dict]) -> list:
        import pandas as pd

        model = _registry().pyfunc.load_model(model_uri)
        return list(model.predict(pd.DataFrame(records)))

    def replace_run(self, rows: list[dict], table: str, run_id: int) -> None:
        """Write the rows of one run; rows an earlier attempt of the same run wrote are replaced."""
        from delta.tables import DeltaTable
        from pyspark.sql import functions as F

        session = spark()
        if self.table_exists(table):
            DeltaTable.forName(session, table).delete(F.col("run_id") == F.lit(run_id))
        schema = ("run_id BIGINT, request_index INT, request STRING, prediction STRING, "
                  "model_version STRING, scored_at STRING")
        frame = session.createDataFrame(rows, schema=schema)
        frame.write.mode("append").saveAsTable(table)
