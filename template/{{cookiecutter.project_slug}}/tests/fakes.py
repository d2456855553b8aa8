"""The workspace behind the tests: the real databricks-sdk WorkspaceClient, with only its HTTP
layer faked.

`FakeWorkspace` holds a workspace's state (endpoints, model aliases, volume files, shares,
recipients, monitors, tables) and answers the SDK's HTTP requests the way the REST API does:
request bodies are checked against the SDK's own dataclasses (a field the API does not know
is refused with 400), answers are REST JSON (including older shapes, such as routes with only
`served_model_name`), and errors are the API's error JSON, which the SDK turns into its own
exceptions. `FakeWorkspace.client()` is a real `WorkspaceClient`; the `w` fixture (conftest.py)
routes every request the `requests` library sends to `FakeWorkspace.send`, so no test can reach
a network. Every call is logged in `calls`, every request in `requests`.
"""

from __future__ import annotations

import dataclasses
import io
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import requests
from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import (
    BadRequest,
    DatabricksError,
    InternalError,
    NotFound,
    PermissionDenied,
    ResourceAlreadyExists,
    ResourceConflict,
)
from databricks.sdk.service import catalog, serving, sharing
from databricks.sdk.service.files import DirectoryEntry, DownloadResponse

HOST = "https://fake-workspace.cloud.databricks.com"


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


# The state of the workspace, one class per API. They are not service objects the code is handed
# (the code gets the real WorkspaceClient); FakeWorkspace's HTTP side calls them, and tests call
# them directly to set the scene.

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
    legacy_routes: bool = False  # routes name their entity in `served_model_name` only


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
        # Someone else's update starts between the caller's last read and its next PUT.
        self.racing_update = False

    def add(self, name: str, versions: dict[str, str], routes: dict[str, int],
            model: str = "ml.fraud.fraud_model") -> Endpoint:
        entities = [{"name": v, "entity_name": model, "entity_version": str(n),
                     "workload_size": "Small", "scale_to_zero_enabled": False}
                    for v, n in versions.items()]
        self.endpoints[name] = Endpoint(name, entities, dict(routes))
        return self.endpoints[name]

    def detailed_json(self, e: Endpoint) -> dict:
        """GET /api/2.0/serving-endpoints/<name>, as the REST API answers it."""
        entities = [{**ent, "creator": "deployer@example.com",
                     "state": {"deployment": e.entity_states.get(ent["name"], "DEPLOYMENT_READY")}}
                    for ent in e.entities]
        key = "served_model_name" if e.legacy_routes else "served_entity_name"
        answer = {
            "name": e.name,
            "config": {"served_entities": entities, "config_version": 1,
                       "traffic_config": {"routes": [{key: n, "traffic_percentage": t}
                                                     for n, t in e.routes.items()]}},
            "state": {"ready": e.ready, "config_update": e.config_update},
        }
        pending = self._pending(e)
        if pending is not None:
            answer["pending_config"] = pending
        return answer

    def _pending(self, e: Endpoint) -> dict | None:
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

        return {"served_entities": [{**ent, "state": state(ent)}
                                    for ent in config["served_entities"]]}

    def get(self, name: str) -> dict:
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
        return self.detailed_json(e)

    def update_config(self, name: str, *, served_entities, traffic_config) -> None:
        entities = [s.as_dict() for s in served_entities]
        self.calls.append(("serving_endpoints.update_config", name,
                           {e["name"]: e["entity_version"] for e in entities},
                           {r.served_entity_name: r.traffic_percentage
                            for r in traffic_config.routes}))
        e = self.endpoints[name]
        if self.racing_update:
            self.racing_update = False
            e.pending, e.polls_left, e.config_update = (
                {"served_entities": e.entities, "traffic_config": {"routes": [
                    {"served_entity_name": n, "traffic_percentage": t}
                    for n, t in e.routes.items()]}},
                1, "IN_PROGRESS")
        if e.pending is not None:
            raise ResourceConflict(f"Endpoint {name} is currently being updated. Wait for the "
                                   "update to finish before sending another.")
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

    def query(self, name: str, request: dict) -> dict:
        """POST /serving-endpoints/<name>/invocations: the slowest served entity answers (a test
        slows a version with latency_ms or capacity)."""
        self.calls.append(("serving_endpoints.query", name))
        if name not in self.endpoints:
            raise NotFound(f"Serving endpoint with name {name} does not exist")
        e = self.endpoints[name]
        entity = max(e.entities, key=lambda ent: self._latency(e, ent))
        self.clock.now += self._latency(e, entity) / 1000
        return {"predictions": self.answer(entity["entity_version"], model_input(request))}

    def query_entity(self, name: str, entity_name: str, request: dict) -> dict:
        """POST /serving-endpoints/<name>/served-models/<entity>/invocations: that entity
        answers, whatever the routes say."""
        e = self.endpoints[name]
        entity = next((ent for ent in e.entities if ent["name"] == entity_name), None)
        if entity is None:
            raise NotFound(f"served model {entity_name} does not exist in {name}")
        self.clock.now += self._latency(e, entity) / 1000
        return {"predictions": self.answer(entity["entity_version"], model_input(request))}


INPUT_KEYS = ("dataframe_records", "dataframe_split", "instances", "inputs")


def model_input(request: dict) -> dict:
    """What a model server does with a scoring request: exactly one input format, turned into
    records (`dataframe_split` too); `params` passed along. Anything else is a 400."""
    given = [k for k in INPUT_KEYS if k in request]
    unknown = set(request) - set(INPUT_KEYS) - {"params"}
    if len(given) != 1 or unknown:
        raise BadRequest(f"The request must have exactly one of {', '.join(INPUT_KEYS)} "
                         f"(and optionally params); it has {sorted(request)}")
    if "dataframe_split" in request:
        split = request["dataframe_split"]
        if not isinstance(split, dict) or set(split) - {"columns", "data", "index"}:
            raise BadRequest("dataframe_split needs columns and data")
        records = [dict(zip(split.get("columns", []), row, strict=True))
                   for row in split.get("data", [])]
    else:
        records = request[given[0]]
    if not isinstance(records, list):
        raise BadRequest(f"{given[0]} must be a list")
    out = {"dataframe_records": records}
    if "params" in request:
        if not isinstance(request["params"], dict):
            raise BadRequest("params must be an object")
        out["params"] = request["params"]
    return out


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
    """Registered models' aliases. The HTTP side (FakeWorkspace) serves the model_versions and
    registered_models APIs from them; tests call these methods directly to set the scene."""

    def __init__(self, calls: list):
        self.aliases: dict[tuple[str, str], int] = {}
        self.calls = calls

    # GET .../models/<name>/aliases/<alias>
    def get_by_alias(self, full_name: str, alias: str) -> catalog.ModelVersionInfo:
        self.calls.append(("model_versions.get_by_alias", full_name, alias))
        if (full_name, alias) not in self.aliases:
            raise NotFound(f"alias {alias} of {full_name} does not exist")
        return catalog.ModelVersionInfo(version=self.aliases[(full_name, alias)])

    # PUT and DELETE .../models/<name>/aliases/<alias>
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
               inference_log=None):
        self.calls.append(("quality_monitors.create", table_name))
        self.monitors[table_name] = {"output": output_schema_name, "inference_log": inference_log}
        return self.monitors[table_name]


class Tables:
    def __init__(self):
        self.existing: set[str] = set()

    def exists(self, full_name: str) -> dict:
        return {"table_exists": full_name in self.existing}


class FakeWorkspace:
    """A workspace's state, and the HTTP side of the REST API the SDK talks to."""

    def __init__(self, clock: Clock | None = None):
        self.calls: list = []
        self.clock = clock or Clock()
        self.serving_endpoints = ServingEndpoints(self.clock, self.calls)
        self.models = Models(self.calls)
        self.model_versions = self.models
        self.registered_models = self.models
        self.files = Files(self.calls)
        self.shares = Shares(self.calls)
        self.recipients = Recipients(self.calls)
        self.quality_monitors = QualityMonitors(self.calls)
        self.tables = Tables()
        self.requests: list[tuple[str, str]] = []  # (method, path) of every HTTP request

    def changes(self) -> list:
        """The calls that changed something (not reads, not queries)."""
        reads = ("serving_endpoints.get", "serving_endpoints.query", "model_versions.get_by_alias",
                 "files.create_directory", "api_client.do")
        return [c for c in self.calls if c[0] not in reads]

    def client(self, host: str | None = None) -> WorkspaceClient:
        """The real SDK client; the `w` fixture sends its requests to `send`."""
        return WorkspaceClient(host=host or HOST, token="fake-token", auth_type="pat")  # noqa: S106

    # ---------------------------------------------------------------- HTTP

    def send(self, request: requests.PreparedRequest) -> requests.Response:
        url = urlsplit(request.url)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        path = unquote(url.path)
        self.requests.append((request.method, path))
        try:
            status, answer = 200, self._route(request.method, path, query, request.body)
        except DatabricksError as err:
            status, answer = _error(err)
        return _response(request, status, answer)

    def _route(self, method: str, path: str, query: dict, raw: Any) -> Any:
        for pattern, methods in ROUTES:
            found = re.fullmatch(pattern, path)
            if found and method in methods:
                return getattr(self, methods[method])(*found.groups(), query=query, raw=raw)
        raise NotFound(f"No API found for '{method} {path}'")

    # /.well-known/databricks-config: newer SDKs probe it; a workspace without it answers 404.
    def no_metadata(self, *, query, raw):
        raise NotFound("no host metadata")

    def get_endpoint(self, name, *, query, raw):
        return self.serving_endpoints.get(name)

    def put_config(self, name, *, query, raw):
        body = _body(raw, serving.EndpointCoreConfigInput)
        if set(body) - {"served_entities", "traffic_config", "auto_capture_config"}:
            raise BadRequest(f"unexpected fields {sorted(body)}")
        self.serving_endpoints.update_config(
            name,
            served_entities=[serving.ServedEntityInput.from_dict(e)
                             for e in body.get("served_entities", [])],
            traffic_config=serving.TrafficConfig.from_dict(body.get("traffic_config", {})))
        return self.serving_endpoints.detailed_json(self.serving_endpoints.endpoints[name])

    def invoke(self, name, *, query, raw):
        return self.serving_endpoints.query(name, _body(raw))

    def invoke_entity(self, name, entity, *, query, raw):
        self.calls.append(("api_client.do", "POST",
                           f"/serving-endpoints/{name}/served-models/{entity}/invocations"))
        return self.serving_endpoints.query_entity(name, entity, _body(raw))

    def get_alias(self, full_name, alias, *, query, raw):
        return self.models.get_by_alias(full_name, alias).as_dict()

    def set_alias(self, full_name, alias, *, query, raw):
        body = _body(raw, catalog.RegisteredModelAlias)
        if set(body) != {"version_num"}:
            raise BadRequest(f"expected version_num, got {sorted(body)}")
        self.models.set_alias(full_name, alias, body["version_num"])
        return {"alias_name": alias, "version_num": body["version_num"]}

    def delete_alias(self, full_name, alias, *, query, raw):
        self.models.delete_alias(full_name, alias)
        return {}

    def put_directory(self, path, *, query, raw):
        self.files.create_directory(path)
        return {}

    def list_directory(self, path, *, query, raw):
        return {"contents": [e.as_dict() for e in self.files.list_directory_contents(path)]}

    def put_file(self, path, *, query, raw):
        if hasattr(raw, "read"):
            raw = raw.read()
        data = raw if isinstance(raw, bytes) else (raw or "").encode()
        overwrite = query.get("overwrite", "true") == "true"
        self.files.upload(path, io.BytesIO(data), overwrite=overwrite)
        return {}

    def get_file(self, path, *, query, raw):
        return self.files.download(path).contents.read()

    def get_share(self, name, *, query, raw):
        shared = query.get("include_shared_data") == "true"
        return self.shares.get(name, include_shared_data=shared).as_dict()

    def create_share(self, *, query, raw):
        body = _body(raw, sharing.ShareInfo)
        return self.shares.create(body["name"], comment=body.get("comment")).as_dict()

    def update_share(self, name, *, query, raw):
        kind = sharing.SharedDataObjectUpdate
        updates = [kind.from_dict(_checked(u, kind)) for u in _body(raw).get("updates", [])]
        return self.shares.update(name, updates=updates).as_dict()

    def get_share_permissions(self, name, *, query, raw):
        return self.shares.share_permissions(name).as_dict()

    def update_share_permissions(self, name, *, query, raw):
        change = getattr(sharing, "PermissionsChange", None) or catalog.PermissionsChange
        changes = [change.from_dict(_checked(c, change)) for c in _body(raw).get("changes", [])]
        self.shares.update_permissions(name, changes=changes)
        return {}

    def get_recipient(self, name, *, query, raw):
        return self.recipients.get(name).as_dict()

    def create_recipient(self, *, query, raw):
        body = _body(raw, sharing.RecipientInfo)
        return self.recipients.create(
            body["name"], sharing.AuthenticationType(body["authentication_type"]),
            data_recipient_global_metastore_id=body.get("data_recipient_global_metastore_id"),
            comment=body.get("comment")).as_dict()

    def get_monitor(self, table_name, *, query, raw):
        monitor = self.quality_monitors.get(table_name)
        log = monitor["inference_log"]
        return {"table_name": table_name, "output_schema_name": monitor["output"],
                "status": "MONITOR_STATUS_ACTIVE",
                **({"inference_log": log.as_dict()} if log else {})}

    def create_monitor(self, table_name, *, query, raw):
        body = _body(raw, catalog.MonitorInfo)
        log = body.get("inference_log")
        self.quality_monitors.create(
            table_name=table_name, output_schema_name=body["output_schema_name"],
            assets_dir=body["assets_dir"],
            inference_log=catalog.MonitorInferenceLog.from_dict(log) if log else None)
        return self.get_monitor(table_name, query=query, raw=None)

    def table_exists(self, full_name, *, query, raw):
        return self.tables.exists(full_name)


_NAME = r"([^/]+)"
_UC = "/api/2.1/unity-catalog"
# (path pattern, {HTTP method: FakeWorkspace method}): the paths of the REST API reference.
ROUTES = [
    (r"/\.well-known/databricks-config", {"GET": "no_metadata"}),
    (rf"/api/2\.0/serving-endpoints/{_NAME}", {"GET": "get_endpoint"}),
    (rf"/api/2\.0/serving-endpoints/{_NAME}/config", {"PUT": "put_config"}),
    (rf"/serving-endpoints/{_NAME}/invocations", {"POST": "invoke"}),
    (rf"/serving-endpoints/{_NAME}/served-models/{_NAME}/invocations", {"POST": "invoke_entity"}),
    (rf"{_UC}/models/{_NAME}/aliases/{_NAME}",
     {"GET": "get_alias", "PUT": "set_alias", "DELETE": "delete_alias"}),
    (r"/api/2\.0/fs/directories(/.+?)/?", {"PUT": "put_directory", "GET": "list_directory"}),
    (r"/api/2\.0/fs/files(/.+)", {"PUT": "put_file", "GET": "get_file"}),
    (rf"{_UC}/shares", {"POST": "create_share"}),
    (rf"{_UC}/shares/{_NAME}", {"GET": "get_share", "PATCH": "update_share"}),
    (rf"{_UC}/shares/{_NAME}/permissions",
     {"GET": "get_share_permissions", "PATCH": "update_share_permissions"}),
    (rf"{_UC}/recipients", {"POST": "create_recipient"}),
    (rf"{_UC}/recipients/{_NAME}", {"GET": "get_recipient"}),
    (rf"{_UC}/tables/{_NAME}/monitor", {"GET": "get_monitor", "POST": "create_monitor"}),
    (rf"{_UC}/tables/{_NAME}/exists", {"GET": "table_exists"}),
]


def _body(raw: Any, dataclass_type: type | None = None) -> dict:
    """The JSON body of a request; with a dataclass of the SDK, checked against it."""
    if isinstance(raw, bytes):
        raw = raw.decode()
    try:
        body = json.loads(raw or "{}")
    except ValueError:
        raise BadRequest(f"the body is not JSON: {raw!r:.200}") from None
    return _checked(body, dataclass_type) if dataclass_type else body


def _checked(body: dict, dataclass_type: type) -> dict:
    """The API refuses a field it does not know: the SDK's dataclass must read it back whole."""
    unknown = set(body) - {f.name for f in dataclasses.fields(dataclass_type)}
    if unknown:
        raise BadRequest(f"{dataclass_type.__name__} has no field(s) {sorted(unknown)}")
    again = json.loads(json.dumps(dataclass_type.from_dict(body).as_dict()))
    if again != body:
        raise BadRequest(f"{dataclass_type.__name__} does not read back the same: "
                         f"{body} != {again}")
    return body


# The SDK's exceptions as the REST API sends them: (status, error_code), subclasses first.
_ERRORS = [
    (ResourceConflict, 409, "RESOURCE_CONFLICT"),
    (ResourceAlreadyExists, 409, "RESOURCE_ALREADY_EXISTS"),
    (NotFound, 404, "RESOURCE_DOES_NOT_EXIST"),
    (PermissionDenied, 403, "PERMISSION_DENIED"),
    (BadRequest, 400, "BAD_REQUEST"),
    (InternalError, 500, "INTERNAL_ERROR"),
]


def _error(err: DatabricksError) -> tuple[int, dict]:
    for kind, status, code in _ERRORS:
        if isinstance(err, kind):
            return status, {"error_code": code, "message": str(err)}
    raise err


def _response(request: requests.PreparedRequest, status: int, answer: Any) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response.request = request
    response.url = request.url
    response.reason = "OK" if status == 200 else "Error"
    if isinstance(answer, bytes):
        content, kind = answer, "application/octet-stream"
    else:
        content, kind = json.dumps(answer).encode(), "application/json"
    response.headers["Content-Type"] = kind
    response.headers["Content-Length"] = str(len(content))
    response.raw = io.BytesIO(content)
    response._content = content
    response._content_consumed = True
    return response
