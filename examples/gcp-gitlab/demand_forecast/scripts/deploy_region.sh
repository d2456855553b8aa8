#!/usr/bin/env bash
# Deploy one target of this project (staging, or prod-<region>) in the order a fresh
# workspace needs. Every CI system runs this script, one target per job; docs/ci.md says when.
#
#   1. The jobs bundle (databricks.yml): training, sharing, the deployment workflow, scoring.
#   2. Bootstrap, where the model is trained (staging and the primary region): when no model
#      version is behind @champion yet (a fresh workspace), run the training job once.
#      In the primary production region, run share_model, which shares the model with every
#      replica region (idempotent: it adds what a new region needs). Replica regions train
#      nothing: their model comes through that share, so the primary deploys first.
#   3. The serving bundle (serving/databricks.yml), with the version behind each variant's
#      alias, which `demand_forecast bundle-vars` resolves from the variants and aliases the project
#      files declare: an endpoint must name versions that exist (docs/decisions/).
#   4. The deployment workflow (job `deployment`): it updates the endpoint, evaluates it and
#      rolls back by itself on failure. This script waits for it and fails with it.
#
# Usage: scripts/deploy_region.sh TARGET
# Needs: the Databricks CLI (the version databricks.yml requires), python3, uv (the wheel
# build), this project installed (pip install -r ci/requirements-deploy.txt), and authentication in the environment (OIDC: DATABRICKS_AUTH_TYPE and
# DATABRICKS_CLIENT_ID, set by the CI job). It never asks for input and never passes
# --auto-approve: a deploy that would delete or recreate something stops instead.
set -euo pipefail

target="${1:?usage: scripts/deploy_region.sh TARGET (staging or prod-<region>)}"
cd "$(dirname "$0")/.."

# The alias whose version every variant falls back to; it is the first one training sets.
first_alias=champion

log() { printf '==> %s: %s\n' "$target" "$*"; }
fail() { printf 'error: %s: %s\n' "$target" "$*" >&2; exit 1; }

# json_get KEY...: the value at that path of the JSON document on stdin ("" if absent).
json_get() {
  python3 -c '
import json, sys
value = json.load(sys.stdin)
for key in sys.argv[1:]:
    value = value.get(key) if isinstance(value, dict) else None
print("" if value is None else value)
' "$@"
}

log "deploying the jobs bundle"
databricks bundle deploy -t "$target"

# What this target is, read from the bundle itself (no per-region values in this script).
config="$(databricks bundle validate -t "$target" -o json)"
host="$(json_get workspace host <<<"$config")"
role="$(json_get variables role value <<<"$config")"
model="$(json_get variables model_catalog value <<<"$config").$(json_get variables schema value <<<"$config").$(json_get variables model_name value <<<"$config")"
has_job() { [[ -n "$(json_get resources jobs "$1" name <<<"$config")" ]]; }

# Workspace commands run outside the project folder and name the target's host: inside a
# bundle folder the CLI would take the host of the bundle's default target (dev).
workspace() { (cd / && DATABRICKS_HOST="$host" databricks "$@"); }

# resolve ALIAS: sets $version to the version behind @ALIAS ("" if none) and $error to why not.
resolve() {
  local out
  version="" error=""
  if out="$(workspace model-versions get-by-alias "$model" "$1" -o json 2>&1)"; then
    version="$(json_get version <<<"$out")"
  else
    error="$out"
  fi
}

resolve "$first_alias"
if [[ -z "$version" && "$role" == primary ]] && has_job training; then
  log "no version of $model behind @$first_alias yet: training a first one"
  databricks bundle run training -t "$target"
  resolve "$first_alias"
fi
if [[ -z "$version" ]]; then
  [[ "$role" == primary ]] || error="the primary region has not shared a version yet: deploy it first. $error"
  fail "no version of $model behind @$first_alias. $error"
fi
log "@$first_alias is version $version of $model"

if has_job share_model; then
  log "sharing the model with the replica regions"
  databricks bundle run share_model -t "$target"
fi

if [[ ! -f serving/databricks.yml ]]; then
  log "done (no real-time serving in this project)"
  exit 0
fi

# One --var <variant>_version=N per variant, from the package that the deployment workflow
# uses too (a variant whose alias is not set yet serves the first variant's version).
read -r -a serving_vars <<<"$(demand_forecast bundle-vars --target "$target")"

log "deploying the serving bundle: ${serving_vars[*]}"
(cd serving && databricks bundle deploy -t "$target" "${serving_vars[@]}")

log "running the deployment workflow and waiting for its evaluation"
databricks bundle run deployment -t "$target"
log "done"
