"""The project: a spec's answers normalized, with its regions, variants and targets."""

from __future__ import annotations

from dataclasses import dataclass

from bundlegen_model import pins
from bundlegen_model.clouds import CLOUD_NAMES, target_name
from bundlegen_model.diagram import diagram_regions, mermaid
from bundlegen_model.rules import entries
from bundlegen_model.schema import coerce_answers
from bundlegen_model.yamlwords import UUID

# --------------------------------------------------------------------------- the project model


@dataclass(frozen=True)
class Region:
    name: str
    host: str
    role: str  # "primary" or "replica"
    target: str
    key: str  # the name as an identifier, for task keys and variable names
    catalog: str  # writable catalog in this region
    model_catalog: str  # where the model is read in this region
    metastore_id: str
    service_principal: str
    service_principal_is_id: bool
    workload_size: str
    scale_to_zero: bool
    latency_budget_ms: int
    split: tuple = ()  # ((variant, percent), ...): the region's split, its own or the project's

    @property
    def is_primary(self) -> bool:
        return self.role == "primary"

    @property
    def traffic(self) -> dict[str, int]:
        return dict(self.split)


@dataclass(frozen=True)
class Variant:
    name: str
    traffic: int
    alias: str
    shadow: bool = False

    @property
    def spec_text(self) -> str:
        """The variant as bundlegen.yml writes it (bundlegen traffic writes the same)."""
        alias = f", alias: {self.alias}" if self.alias != self.name else ""
        shadow = ", shadow: true" if self.shadow else ""
        return f"{{name: {self.name}, traffic: {self.traffic}{alias}{shadow}}}"


@dataclass(frozen=True)
class Environment:
    name: str  # dev or staging
    host: str
    catalog: str


class Project:
    """Normalized answers: defaults filled in, regions and variants as ordered lists."""

    def __init__(self, answers: dict):
        a = coerce_answers({k: v for k, v in answers.items() if not str(k).startswith("_")})
        self.answers = a
        self.name: str = a["project_name"]
        self.slug: str = a["project_slug"]
        self.dash_slug = self.slug.replace("_", "-")
        self.cloud: str = a["cloud"]
        self.cloud_name = CLOUD_NAMES[self.cloud]
        model = a["model"]
        self.catalog, self.schema, self.model_name = (
            model["catalog"], model["schema"], model["name"]
        )
        serving = a["serving"]
        self.endpoint_name: str = serving["endpoint_name"]
        self.architectures: list[str] = list(serving.get("architectures", ["real-time", "batch"]))
        self.realtime = "real-time" in self.architectures
        self.batch = "batch" in self.architectures
        self.asynchronous = "async" in self.architectures
        self.consumers: str = serving.get("consumers", "users")
        self.variants = [
            Variant(name, int(v["traffic"]), v.get("alias") or name, v.get("shadow") is True)
            for _, name, v in entries(serving["variants"], "variants")
        ]
        ramp = serving.get("ramp") or {}
        self.ramp_variant: str = ramp.get("variant", "")
        self.ramp_steps: list[int] = [int(step) for step in ramp.get("steps", [])]
        promote = serving.get("promote") or {}
        self.promote_variant: str = promote.get("variant", "")
        self.promote_request: str = promote.get("request", "")
        ci = a.get("ci", "github")
        self.ci: list[str] = [ci] if isinstance(ci, str) else list(ci)
        sharing = a.get("sharing") or {}
        self.share_name: str = sharing.get("share_name") or f"{self.slug}_models"
        self.shared_catalog: str = sharing.get("catalog") or f"{self.catalog}_shared"
        self.cli_version: str = a.get("databricks_cli_version") or "1.13.0"
        self.emails: list[str] = list((a.get("notifications") or {}).get("emails", []))
        default_sp = a.get("service_principal") or f"{self.dash_slug}-deployer"

        self.regions: list[Region] = []
        for i, (_, name, r) in enumerate(entries(a["regions"], "regions")):
            primary = i == 0
            sp = r.get("service_principal") or default_sp
            self.regions.append(
                Region(
                    name=name,
                    host=r["host"].rstrip("/"),
                    role="primary" if primary else "replica",
                    target=target_name(name),
                    key=name.replace("-", "_"),
                    catalog=r.get("catalog") or self.catalog,
                    model_catalog=self.catalog if primary else self.shared_catalog,
                    metastore_id=r.get("metastore_id", ""),
                    service_principal=sp,
                    service_principal_is_id=bool(UUID.match(sp)),
                    workload_size=r.get("workload_size") or serving.get("workload_size", "Small"),
                    scale_to_zero=r.get("scale_to_zero", serving.get("scale_to_zero", False)),
                    latency_budget_ms=int(
                        r.get("latency_budget_ms") or serving.get("latency_budget_ms", 500)
                    ),
                    split=tuple((v.name, int((r.get("traffic") or {}).get(v.name, v.traffic)))
                                for v in self.variants),
                )
            )
        self.primary = self.regions[0]
        self.replicas = self.regions[1:]
        sharing_provider = sharing.get("provider_name")
        self.provider_name: str = sharing_provider or f"{self.primary.key}_{self.slug}"

        envs = a.get("environments") or {}
        self.dev = Environment(
            "dev",
            (envs.get("dev") or {}).get("host", self.primary.host).rstrip("/"),
            (envs.get("dev") or {}).get("catalog", f"{self.catalog}_dev"),
        )
        self.staging = Environment(
            "staging",
            (envs.get("staging") or {}).get("host", self.primary.host).rstrip("/"),
            (envs.get("staging") or {}).get("catalog", f"{self.catalog}_staging"),
        )
        self.default_service_principal = default_sp
        self.default_service_principal_is_id = bool(UUID.match(default_sp))

    @property
    def model_full_name(self) -> str:
        return f"{self.catalog}.{self.schema}.{self.model_name}"

    # ---- traffic: the deployment job's parameters (docs/decisions/traffic-commands.md)
    @property
    def aliases_param(self) -> str:
        """variant[=alias],...: the alias each variant serves, the base (champion) first."""
        return ",".join(
            v.name if v.alias == v.name else f"{v.name}={v.alias}" for v in self.variants
        )

    @property
    def ramp_param(self) -> str:
        """variant:step,step,... ("" without a ramp plan)."""
        if not self.ramp_variant:
            return ""
        return f"{self.ramp_variant}:{','.join(str(s) for s in self.ramp_steps)}"

    @property
    def promote_param(self) -> str:
        """variant:request time, the id of a one-time promotion request ("" without one)."""
        return f"{self.promote_variant}:{self.promote_request}" if self.promote_variant else ""

    @property
    def challenger_alias(self) -> str:
        """The alias validation moves to a better model: the first live variant after the base's."""
        live = [v for v in self.variants[1:] if not v.shadow]
        return live[0].alias if live else "challenger"

    @property
    def shadow_param(self) -> str:
        return ",".join(v.name for v in self.variants if v.shadow)

    # ---- CI/CD (the generated CI files, scripts/ and docs/ci.md)
    default_branch = pins.DEFAULT_BRANCH
    release_branch = pins.RELEASE_BRANCH
    ci_python_version = pins.CI_PYTHON_VERSION
    uv_version = pins.UV_VERSION

    @property
    def sdk_floor(self) -> str:
        """The highest databricks-sdk floor of the chosen CI systems' auth types."""
        return max((pins.SDK_FLOORS[ci] for ci in self.ci),
                   key=lambda v: tuple(map(int, v.split("."))))

    @property
    def bundlegen_version(self) -> str:
        return pins.generator_version()

    @property
    def targets(self) -> list[str]:
        """The targets CI deploys: staging, then prod-<region> for each region, primary first."""
        return ["staging"] + [r.target for r in self.regions]

    @property
    def diagram(self) -> str:
        """The Mermaid flowchart of the regions (the README's picture)."""
        return mermaid(diagram_regions(self))

    @staticmethod
    def uses(action: str) -> str:
        """`owner/repo@<full sha> # <tag>` for a `uses:` line of a GitHub workflow."""
        sha, tag = pins.ACTION_PINS[action]
        return f"{action}@{sha} # {tag}"
