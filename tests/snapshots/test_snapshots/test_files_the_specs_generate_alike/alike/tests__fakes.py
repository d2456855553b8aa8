"""Hand-written fakes of the workspace: the parts of databricks-sdk's WorkspaceClient the code uses.

They return the SDK's own dataclasses and raise its own errors, so the code under test runs as
it would against a workspace, offline. Every call is logged in `calls`.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from databricks.sdk.errors import BadRequest, InternalError, NotFound, ResourceAlreadyExists
from databricks.sdk.service import catalog, serving, sharing
from databricks.sdk.service.files import DirectoryEntry, DownloadResponse


class Clock:
    """Wall clock, latency timer and sleep in one: sleeping (or a slow request) moves time."""

    def __init__(self, now: float = 1_750_000_000.0):
        self.now = now
        self.slept: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


class TaskValues:
    def __init__(self):
        self.values: dict[str, Any] = {}

    def set(self, key: str, value: Any) -> None:
        self.values[key] = value


# ------------------------------------------------------------------ serving endpoints


@dataclass
class Endpoint:
    name: str
    entities: list[dict]  # ServedEntityInput-shaped dicts
    routes: dict[str, int]
    ready: str = "READY"
    config_update: str = "NOT_UPDATING"
    entity_states: dict[str, str] = field(default_factory=dict)
    pending: dict | None = None  # the config of an update in progress
    polls_left: int = 0
    failed: dict | None = None  # the config of the last update, if it failed


OVERLOADED_MS = 3000.0


class ServingEndpoints:
    """Updates take `update_polls` calls of get() to finish; `fail_versions` never deploy.

    Queries take `latency_ms` of the slowest version served (50 ms by default) on the clock,
    and `answer` says what the model answers. A version given a `capacity` (a percent) answers
    in OVERLOADED_MS when its served entity gets more than that share of the traffic.
    """

    def __init__(self, clock: Clock, calls: list):
        self.endpoints: dict[str, Endpoint] = {}
        self.clock = clock
        self.calls = calls
        self.update_polls = 2
        self.fail_versions: set[str] = set()
        self.latency_ms: dict[str, float] = {}  # entity version -> latency of a query
        self.capacity: dict[str, int] = {}  # entity version -> share it can take
        self.server_defaults: dict = {}  # fields the server adds to each entity it deploys
        self.answer = default_answer

    def add(self, name: str, versions: dict[str, str], routes: dict[str, int],
            model: str = "ml.fraud.fraud_model") -> Endpoint:
        entities = [{"name": v, "entity_name": model, "entity_version": str(n),
                     "workload_size": "Small", "scale_to_zero_enabled": False}
                    for v, n in versions.items()]
        self.endpoints[name] = Endpoint(name, entities, dict(routes))
        return self.endpoints[name]

    def _detailed(self, e: Endpoint) -> serving.ServingEndpointDetailed:
        entities = [
            serving.ServedEntityOutput.from_dict({
                **ent,
                "state": {"deployment": e.entity_states.get(ent["name"], "DEPLOYMENT_READY")},
                "creator": "deployer@example.com",
            })
            for ent in e.entities
        ]
        routes = [serving.Route(served_entity_name=n, traffic_percentage=t)
                  for n, t in e.routes.items()]
        return serving.ServingEndpointDetailed(
            name=e.name,
            config=serving.EndpointCoreConfigOutput(
                served_entities=entities, traffic_config=serving.TrafficConfig(routes=routes),
                config_version=1,
            ),
            state=serving.EndpointState(
                ready=serving.EndpointStateReady(e.ready),
                config_update=serving.EndpointStateConfigUpdate(e.config_update),
            ),
            pending_config=self._pending(e),
        )

    def _pending(self, e: Endpoint) -> serving.EndpointPendingConfig | None:
        config = e.pending or e.failed
        if config is None:
            return None

        def state(ent: dict) -> dict:
            if e.pending:
                return {"deployment": "DEPLOYMENT_CREATING"}
            if ent["entity_version"] in self.fail_versions:
                return {"deployment": "DEPLOYMENT_FAILED",
                        "deployment_state_message": "container failed to start"}
            return {"deployment": "DEPLOYMENT_READY"}

        return serving.EndpointPendingConfig(served_entities=[
            serving.ServedEntityOutput.from_dict({**ent, "state": state(ent)})
            for ent in config["served_entities"]])

    def get(self, name: str) -> serving.ServingEndpointDetailed:
        self.calls.append(("serving_endpoints.get", name))
        if name not in self.endpoints:
            raise NotFound(f"Serving endpoint with name {name} does not exist")
        e = self.endpoints[name]
        if e.pending is not None:
            if e.polls_left > 0:
                e.polls_left -= 1
            else:
                config, e.pending = e.pending, None
                versions = {ent["entity_version"] for ent in config["served_entities"]}
                failed = versions & self.fail_versions
                if failed:  # the live config keeps serving; the failed one stays pending
                    e.config_update, e.failed = "UPDATE_FAILED", config
                else:
                    e.entities = [{**self.server_defaults, **ent}
                                  for ent in config["served_entities"]]
                    e.routes = {r["served_entity_name"]: r["traffic_percentage"]
                                for r in config["traffic_config"]["routes"]}
                    e.config_update, e.entity_states = "NOT_UPDATING", {}
        return self._detailed(e)

    def update_config(self, name: str, *, served_entities, traffic_config) -> None:
        entities = [s.as_dict() for s in served_entities]
        self.calls.append(("serving_endpoints.update_config", name,
                           {e["name"]: e["entity_version"] for e in entities},
                           {r.served_entity_name: r.traffic_percentage
                            for r in traffic_config.routes}))
        e = self.endpoints[name]
        if e.pending is not None:
            raise ResourceAlreadyExists("an update is already in progress")
        e.pending = {"served_entities": entities, "traffic_config": traffic_config.as_dict()}
        e.failed = None
        e.polls_left = self.update_polls
        e.config_update = "IN_PROGRESS"

    def _latency(self, e: Endpoint, entity: dict) -> float:
        version = entity["entity_version"]
        ms = self.latency_ms.get(version, 50.0)
        if e.routes.get(entity["name"], 0) > self.capacity.get(version, 100):
            ms = max(ms, OVERLOADED_MS)
        return ms

    def query(self, name: str, **request) -> serving.QueryEndpointResponse:
        self.calls.append(("serving_endpoints.query", name))
        e = self.endpoints[name]
        # The slowest served entity answers: a test slows a version with latency_ms or capacity.
        entity = max(e.entities, key=lambda ent: self._latency(e, ent))
        self.clock.now += self._latency(e, entity) / 1000
        return serving.QueryEndpointResponse(
            predictions=self.answer(entity["entity_version"], request))

    def query_entity(self, name: str, entity_name: str, request: dict) -> dict:
        """POST /serving-endpoints/<name>/served-models/<entity>/invocations: that entity
        answers, whatever the routes say."""
        e = self.endpoints[name]
        entity = next((ent for ent in e.entities if ent["name"] == entity_name), None)
        if entity is None:
            raise NotFound(f"served model {entity_name} does not exist in {name}")
        self.clock.now += self._latency(e, entity) / 1000
        return {"predictions": self.answer(entity["entity_version"], request)}


class ApiClient:
    """w.api_client.do: the REST calls the SDK has no method for."""

    def __init__(self, endpoints: ServingEndpoints, calls: list):
        self.endpoints = endpoints
        self.calls = calls

    def do(self, method: str, path: str, body: dict | None = None, **_) -> dict:
        self.calls.append(("api_client.do", method, path))
        found = re.fullmatch(r"/serving-endpoints/([^/]+)/served-models/([^/]+)/invocations", path)
        if method != "POST" or not found:
            raise NotFound(f"no fake for {method} {path}")
        return self.endpoints.query_entity(found.group(1), found.group(2), body or {})


def default_answer(version: str, request: dict) -> list:
    """A well-behaved model: 4xx for bad input, one 0/1 prediction per record."""
    records = request.get("dataframe_records") or []
    for record in records:
        if "amount" not in record:
            raise BadRequest("Model is missing inputs ['amount']")
        if not isinstance(record["amount"], (int, float)):
            raise BadRequest("Incompatible input types for column amount")
    return [1 if r["amount"] > 500 else 0 for r in records]


def crashing_answer(version: str, request: dict) -> list:
    raise InternalError("the model container crashed")


# ------------------------------------------------------------------ models


class Models:
    """Registered models with versions and aliases: model_versions and registered_models."""

    def __init__(self, calls: list):
        self.aliases: dict[tuple[str, str], int] = {}
        self.calls = calls

    # w.model_versions
    def get_by_alias(self, full_name: str, alias: str) -> catalog.ModelVersionInfo:
        self.calls.append(("model_versions.get_by_alias", full_name, alias))
        if (full_name, alias) not in self.aliases:
            raise NotFound(f"alias {alias} of {full_name} does not exist")
        return catalog.ModelVersionInfo(version=self.aliases[(full_name, alias)])

    # w.registered_models
    def set_alias(self, full_name: str, alias: str, version_num: int) -> None:
        self.calls.append(("registered_models.set_alias", full_name, alias, version_num))
        self.aliases[(full_name, alias)] = int(version_num)

    def delete_alias(self, full_name: str, alias: str) -> None:
        self.calls.append(("registered_models.delete_alias", full_name, alias))
        self.aliases.pop((full_name, alias), None)


# ------------------------------------------------------------------ files (UC volumes)


class Files:
    def __init__(self, calls: list):
        self.files: dict[str, bytes] = {}
        self.calls = calls

    def create_directory(self, path: str) -> None:
        self.calls.append(("files.create_directory", path))

    def upload(self, path: str, contents, *, overwrite: bool | None = None) -> None:
        self.calls.append(("files.upload", path))
        if path in self.files and not overwrite:
            raise ResourceAlreadyExists(f"{path} exists")
        self.files[path] = contents.read()

    def download(self, path: str) -> DownloadResponse:
        if path not in self.files:
            raise NotFound(f"{path} not found")
        return DownloadResponse(contents=io.BytesIO(self.files[path]))

    def list_directory_contents(self, path: str):
        prefix = path.rstrip("/") + "/"
        children = {p[len(prefix):].split("/")[0]: "/" in p[len(prefix):]
                    for p in self.files if p.startswith(prefix)}
        if not children:
            raise NotFound(f"{path} not found")
        return iter([DirectoryEntry(name=n, path=prefix + n, is_directory=d)
                     for n, d in sorted(children.items())])

    def json(self, path: str) -> dict:
        return json.loads(self.files[path])


# ------------------------------------------------------------------ Delta Sharing


class Shares:
    def __init__(self, calls: list):
        self.shares: dict[str, list[sharing.SharedDataObject]] = {}
        self.grants: dict[str, dict[str, set[str]]] = {}
        self.calls = calls

    def get(self, name: str, *, include_shared_data: bool | None = None) -> sharing.ShareInfo:
        if name not in self.shares:
            raise NotFound(f"Share {name} does not exist")
        return sharing.ShareInfo(name=name, objects=list(self.shares[name]))

    def create(self, name: str, *, comment: str | None = None) -> sharing.ShareInfo:
        self.calls.append(("shares.create", name))
        if name in self.shares:
            raise ResourceAlreadyExists(f"Share {name} already exists")
        self.shares[name], self.grants[name] = [], {}
        return sharing.ShareInfo(name=name)

    def update(self, name: str, *, updates) -> sharing.ShareInfo:
        for u in updates:
            self.calls.append(("shares.update", name, u.action.value, u.data_object.name))
            if any(o.name == u.data_object.name for o in self.shares[name]):
                raise ResourceAlreadyExists(f"{u.data_object.name} already exists in {name}")
            self.shares[name].append(u.data_object)
        return self.get(name)

    def share_permissions(self, name: str) -> sharing.GetSharePermissionsResponse:
        assignments = [sharing.PrivilegeAssignment(principal=p, privileges=[
            sharing.Privilege(v) for v in sorted(privs)]) for p, privs in self.grants[name].items()]
        return sharing.GetSharePermissionsResponse(privilege_assignments=assignments)

    def update_permissions(self, name: str, *, changes) -> None:
        for c in changes:
            self.calls.append(("shares.update_permissions", name, c.principal, tuple(c.add)))
            self.grants[name].setdefault(c.principal, set()).update(c.add)


class Recipients:
    def __init__(self, calls: list):
        self.recipients: dict[str, str] = {}  # name -> global metastore id
        self.calls = calls

    def get(self, name: str) -> sharing.RecipientInfo:
        if name not in self.recipients:
            raise NotFound(f"Recipient {name} does not exist")
        return sharing.RecipientInfo(
            name=name, data_recipient_global_metastore_id=self.recipients[name],
            authentication_type=sharing.AuthenticationType.DATABRICKS)

    def create(self, name: str, authentication_type, *, data_recipient_global_metastore_id=None,
               comment=None) -> sharing.RecipientInfo:
        self.calls.append(("recipients.create", name, data_recipient_global_metastore_id))
        if name in self.recipients:
            raise ResourceAlreadyExists(f"Recipient {name} already exists")
        self.recipients[name] = data_recipient_global_metastore_id
        return self.get(name)


# ------------------------------------------------------------------ monitors and tables


class QualityMonitors:
    def __init__(self, calls: list):
        self.monitors: dict[str, dict] = {}
        self.calls = calls

    def get(self, table_name: str):
        if table_name not in self.monitors:
            raise NotFound(f"no monitor on {table_name}")
        return self.monitors[table_name]

    def create(self, *, table_name: str, output_schema_name: str, assets_dir: str,
               inference_log=None, **_):
        self.calls.append(("quality_monitors.create", table_name))
        self.monitors[table_name] = {"output": output_schema_name, "inference_log": inference_log}
        return self.monitors[table_name]


class Tables:
    def __init__(self):
        self.existing: set[str] = set()

    def exists(self, full_name: str):
        return SimpleNamespace(table_exists=full_name in self.existing)


class FakeWorkspace:
    """Stands in for WorkspaceClient(): w.serving_endpoints, w.model_versions, w.files, ..."""

    def __init__(self, clock: Clock | None = None):
        self.calls: list = []
        self.clock = clock or Clock()
        self.serving_endpoints = ServingEndpoints(self.clock, self.calls)
        self.api_client = ApiClient(self.serving_endpoints, self.calls)
        self.models = Models(self.calls)
        self.model_versions = self.models
        self.registered_models = self.models
        self.files = Files(self.calls)
        self.shares = Shares(self.calls)
        self.recipients = Recipients(self.calls)
        self.quality_monitors = QualityMonitors(self.calls)
        self.tables = Tables()

    def changes(self) -> list:
        """The calls that changed something (not reads, not queries)."""
        reads = ("serving_endpoints.get", "serving_endpoints.query", "model_versions.get_by_alias",
                 "files.create_directory", "api_client.do")
        return [c for c in self.calls if c[0] not in reads]
