"""Jobs: task dependencies, job clusters and environments."""

from __future__ import annotations

from collections.abc import Iterator

from bundlegen.lint.findings import ERROR, WARNING, Finding
from bundlegen.lint.rules.registry import (
    TargetContext,
    declare,
    find_cycle,
    items,
    rule,
    text,
    via,
)


@rule(
    "job-task-reference",
    ERROR,
    "A job task's `depends_on` names a task the job does not have, tasks depend on each other "
    "in a cycle; the Jobs API refuses the job.",
)
def job_task_reference(ctx: TargetContext) -> Iterator[Finding]:
    for key, job in ctx.resources("jobs"):
        path = f"resources.jobs.{key}"
        tasks = items(job, "tasks")
        # A key that only the workspace can resolve (None here) makes its set unknowable.
        defined = {
            field: {text(ctx, x.get(field)) for x in items(job, holder)}
            for field, holder in (
                ("job_cluster_key", "job_clusters"),
                ("environment_key", "environments"),
            )
        }
        names = {text(ctx, t.get("task_key")) for t in tasks}
        edges: dict[str, list[str]] = {}
        for i, task in enumerate(tasks):
            tpath = f"{path}.tasks[{i}]"
            name = text(ctx, task.get("task_key"))
            for j, dep in enumerate(items(task, "depends_on")):
                dep_key = dep.get("task_key")
                target = text(ctx, dep_key)
                if target is None:
                    continue
                if target not in names and None not in names:
                    yield ctx.finding(
                        "job-task-reference",
                        dep_key,
                        f"{tpath}.depends_on[{j}].task_key",
                        f"task {name or i!r} depends on {target!r}: job {key!r} has no such task",
                    )
                elif name is not None:
                    edges.setdefault(name, []).append(target)
            inner = task.get("for_each_task", "task")
            for t, tp in ((task, tpath), (inner, f"{tpath}.for_each_task.task")):
                if t is None or not t.is_map:
                    continue
                for field, known in defined.items():
                    ref = t.get(field)
                    value = text(ctx, ref)
                    if value is not None and value not in known and None not in known:
                        what = "job cluster" if field == "job_cluster_key" else "environment"
                        yield ctx.finding(
                            "job-compute-key-undefined",
                            ref,
                            f"{tp}.{field}",
                            f"{field} {value!r}{via(ref, value)}: job {key!r} defines no "
                            f"{what} with that key",
                        )
        reported: set[str] = set()
        for i, task in enumerate(tasks):
            name = text(ctx, task.get("task_key"))
            if name is None or name in reported:
                continue
            cycle = find_cycle(name, edges)
            if cycle and cycle[0] == name:
                reported.update(cycle)
                yield ctx.finding(
                    "job-task-reference",
                    task.get("task_key"),
                    f"{path}.tasks[{i}].depends_on",
                    f"tasks of job {key!r} depend on each other in a cycle: "
                    + " -> ".join(cycle + [name]),
                )


# Reported by job_task_reference, which reads the job's keys once.
declare(
    "job-compute-key-undefined",
    WARNING,
    "A task's `job_cluster_key` or `environment_key` names a job cluster or environment the job "
    "does not define: the CLI warns (or says nothing), the Jobs API refuses the job when it is "
    "deployed.",
)


@rule(
    "job-cluster-spec",
    ERROR,
    "A job's `job_clusters` entry has no `new_cluster` (in any target). The CLI only warns that "
    "the field is required, but the Jobs API refuses the job at deploy (with the direct "
    "engine, `Shared job cluster feature is only supported in multi-task jobs`; with Terraform, "
    "`Insufficient new_cluster blocks`).",
)
def job_cluster_spec(ctx: TargetContext) -> Iterator[Finding]:
    for key, job in ctx.resources("jobs"):
        for i, cluster in enumerate(items(job, "job_clusters")):
            spec = cluster.get("new_cluster")
            if spec is None or spec.v is None:  # `new_cluster:` left empty is absent too
                yield ctx.finding(
                    "job-cluster-spec",
                    cluster,
                    f"resources.jobs.{key}.job_clusters[{i}]",
                    "this job cluster has no new_cluster: the Jobs API refuses a job cluster "
                    "without its cluster spec",
                )
