"""Why each lint rule matters, one or two sentences per rule (docs/lint-rules.md shows them with
the rule's failing example and its fix)."""

from __future__ import annotations

_CLI_REFUSES = "The Databricks CLI refuses the bundle (validate, deploy and every other command)"

WHY: dict[str, str] = {
    "bundle-not-found": "Without a root file there is no bundle: the CLI cannot run there.",
    "unreadable-file": f"{_CLI_REFUSES}: it cannot read the file either.",
    "yaml-syntax": f"{_CLI_REFUSES} at the first YAML it cannot parse.",
    "duplicate-key": "The CLI silently keeps the later value, so the first one never takes "
    "effect: almost always an edit that went into the wrong place.",
    "include-invalid": f"{_CLI_REFUSES}: an include that matches nothing or a non-YAML file is "
    "an error, not an empty list.",
    "include-outside-root": "The CLI ignores includes outside databricks.yml, so the files they "
    "name are silently left out of the bundle.",
    "merge-conflict": f"{_CLI_REFUSES}: it cannot merge a reference with a mapping or sequence.",
    "internal-error": "A bug in bundlegen must not hide the findings of other bundles; report it.",
    "unknown-target": "The CLI refuses `-t` with a target the bundle does not define.",
    "unknown-field": "The CLI ignores the field, so the setting never reaches the workspace; "
    "usually a typo or a field at the wrong level.",
    "unknown-top-level-key": "The CLI ignores the key, so whatever is under it never reaches "
    "the workspace: usually a section at the wrong level (`jobs:` instead of "
    "`resources: {jobs: ...}`).",
    "wrong-type": "The CLI drops or converts the value with a warning; the setting is not what "
    "was written.",
    "invalid-enum": "The API refuses the value when the bundle is deployed.",
    "missing-required": "The API refuses the resource without it when the bundle is deployed.",
    "unused-ignore": "A stale ignore comment would silently hide the next real finding there.",
    "undefined-variable": f"{_CLI_REFUSES}: the reference cannot be resolved.",
    "undefined-variable-field": f"{_CLI_REFUSES}: the reference does not exist.",
    "variable-cycle": f"{_CLI_REFUSES}: it detects the cycle and cannot resolve any of them.",
    "variable-overrides-file": f"{_CLI_REFUSES} for that target: it reads the file before "
    "any command runs. The file is usually local (`.databricks` is not committed), so a "
    "developer sees this where CI does not.",
    "complex-variable-cycle": "The CLI gives up after 11 rounds and deploys the references "
    "unresolved, as literal `${...}` text.",
    "lookup-reference": f"{_CLI_REFUSES}: lookups are resolved in one pass.",
    "required-variable": "Without --var or BUNDLE_VAR_<name> the CLI refuses the target.",
    "undefined-resource": f"{_CLI_REFUSES}: the reference names nothing it deploys.",
    "duplicate-resource-key": f"{_CLI_REFUSES}: a key names one resource or script for "
    "`bundle run`, so it must be unique.",
    "resource-key-reference": f"{_CLI_REFUSES}: keys are read before variables exist.",
    "permission-level": f"{_CLI_REFUSES}: a bundle-wide level must map onto every resource type.",
    "job-run-trigger": f"{_CLI_REFUSES}: the run could not be triggered as configured.",
    "no-default-target": "The CLI cannot tell which target is meant and refuses every command "
    "run without -t.",
    "permission-overlap": "The top-level permission silently does not apply to that resource.",
    "empty-resource": f"{_CLI_REFUSES}: a resource needs at least one setting.",
    "missing-setting": f"{_CLI_REFUSES} before it deploys anything.",
    "job-task-compute": "The CLI refuses the task and the Jobs API cannot run it: it has no "
    "compute to run on.",
    "single-node-cluster": "A cluster with no workers that is not a single-node cluster cannot "
    "run Spark work; it hangs or fails.",
    "read-only-field": f"{_CLI_REFUSES}: these values belong to the CLI or the workspace.",
    "secret-value": f"{_CLI_REFUSES}: a secret written in a file is a leaked secret.",
    "conflicting-settings": f"{_CLI_REFUSES}: it cannot tell which of the two to use.",
    "several-default-targets": "The CLI cannot tell which target is meant and refuses every "
    "command run without -t.",
    "run-as-conflict": f"{_CLI_REFUSES}: a run_as identity is one user or one service principal.",
    "dev-unpaused-preset": f"{_CLI_REFUSES}: development copies must not run on schedule.",
    "production-dev-pipeline": f"{_CLI_REFUSES}: production pipelines do not run in "
    "development mode.",
    "dev-unpaused-schedule": "Every developer's copy of the job would run on schedule, "
    "multiplying cost and writes.",
    "unknown-engine": f"{_CLI_REFUSES}: it knows only the terraform and direct engines.",
    "host-not-https": "The CLI would send credentials over an unencrypted connection.",
    "run-as-empty": f"{_CLI_REFUSES}: run_as must name exactly one identity.",
    "run-as-unsupported": "The CLI refuses the bundle for any deployer other than the run_as "
    "identity, so it works for one person and fails for the next (or in CI).",
    "unknown-mode": f"{_CLI_REFUSES}: only development and production are modes.",
    "production-root-path": "The CLI refuses the target unless a service principal deploys it: "
    "each person would otherwise deploy their own copy of production.",
    "dev-shared-path": "The CLI refuses development targets whose paths do not hold the "
    "deployer's name; developers would overwrite each other's copy.",
    "volume-workspace-path": f"{_CLI_REFUSES}: only artifacts may be stored in a volume.",
    "auth-interpolation": "The CLI authenticates before it resolves references: the "
    "reference is used literally (for `host`, the CLI then fails to connect).",
    "bundle-name-interpolation": "The name identifies the deployment; a name that changes "
    "with a variable makes the CLI deploy a second copy instead of updating the first.",
    "direct-only": f"{_CLI_REFUSES}: Terraform cannot deploy these.",
    "invalid-pause-status": f"{_CLI_REFUSES}: a pause status is PAUSED or UNPAUSED.",
    "script-invalid": f"{_CLI_REFUSES}: the script cannot run as written.",
    "artifact-invalid": "The CLI fails when it builds or uploads the artifact.",
    "artifact-no-files": "The CLI refuses the bundle (validate included) when a source matches "
    "no file, so a step that builds or fetches the files must run before it.",
    "restricted-code-execution": "Restricted mode is how a platform team stops a bundle from "
    "running its own code on the deploying machine; such a bundle cannot deploy there at all.",
    "job-cluster-spec": "`bundle validate` passes with a warning, then `bundle deploy` fails "
    "half way: the job is refused after the files are uploaded.",
    "wheel-wrapper-parameters": f"{_CLI_REFUSES} when it writes the wrapper notebook at "
    "deploy: the notebook calls the entry point with one kind of parameters.",
    "cli-version-constraint": f"{_CLI_REFUSES}: it checks its own version against the "
    "constraint before anything else, and cannot read this one.",
    "sync-pattern-no-match": "A pattern that matches nothing does nothing: usually a typo, a "
    "path written relative to the wrong folder, or a folder that was moved.",
    "not-included": "The file looks deployed but is not: its resources never reach the "
    "workspace, and nothing else says so.",
    "alert-file": f"{_CLI_REFUSES}: it reads the alert from the file while it loads the "
    "bundle, and a field set in both places, an unreadable file or a `${...}` in it is an "
    "error.",
    "invalid-kind": "The CLI does not act on a type it does not know: such a variable is not "
    "treated as complex, such an artifact is not built or found as a wheel or JAR.",
    "missing-path": f"{_CLI_REFUSES}: it uploads these paths and cannot find them.",
    "deprecated-field": "The CLI converts it with a warning today and may refuse it later.",
    "workspace-prefix": "The CLI rewrites the path with a warning; written as it is, it would "
    "point at /Workspace/Workspace/....",
    "production-cluster-override": "Production jobs would run on one interactive cluster "
    "instead of the compute they define.",
    "source-linked-outside-workspace": "The setting has no effect from a laptop or CI: files are "
    "copied as usual.",
    "python-config": f"{_CLI_REFUSES}: it no longer reads experimental.pydabs, and two Python "
    "sections conflict.",
    "terraform-engine": "The Terraform engine is deprecated and will stop working in a future CLI.",
    "legacy-run-as": "An experimental mode the CLI may remove in any release.",
    "job-task-reference": "The Jobs API refuses the job when it is deployed.",
    "job-compute-key-undefined": "The Jobs API refuses the job when it is deployed.",
    "wheel-old-runtime": f"{_CLI_REFUSES}: runtimes before 13.1 cannot install a library "
    "from the workspace files the CLI uploads it to. Use a newer `spark_version`, or "
    "`experimental.python_wheel_wrapper: true` (a notebook that installs it).",
    "serving-models-and-entities": f"{_CLI_REFUSES}: an endpoint has one list of served entities.",
    "serving-duplicate-name": "The serving API refuses the endpoint: routes name entities by name.",
    "serving-route-unknown": "The serving API refuses a route to an entity the endpoint does not "
    "serve.",
    "serving-traffic-sum": "The serving API refuses routes that do not add up to 100 percent.",
    "served-models-deprecated": "served_models is the legacy form; the CLI converts it with a "
    "warning.",
    "app-source": f"{_CLI_REFUSES}: it must know where an app's code is, and two apps "
    "deployed from one folder would overwrite each other's configuration.",
    "app-resource-permissions": "Deploying the app grants its service principal access to the "
    "resource; the next deploy of the resource's own `permissions` removes that grant, and the "
    "app loses access.",
    "path-outside-sync-root": f"{_CLI_REFUSES}: it uploads only the synced folders, so a "
    "source outside them would be missing in the workspace.",
    "root-path-glob": "The CLI joins the folder's path with the include patterns and globs "
    "them, so it refuses a path that would itself be read as a pattern.",
}
