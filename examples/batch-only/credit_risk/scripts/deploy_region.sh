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
#
# Usage: scripts/deploy_region.sh TARGET
# Needs: the Databricks CLI (the version databricks.yml requires), python3, uv (the wheel
# build), this project installed (pip install -r ci/requirements-deploy.txt), and authentication in the environment (OIDC: DATABRICKS_AUTH_TYPE and
# DATABRICKS_CLIENT_ID, set by the CI job). It never asks for input and never passes
# --auto-approve: a deploy that would delete or recreate something stops instead.
#
# It fails closed: every command's status is checked (no `$(...)` whose failure is lost), an
# answer that is missing or malformed stops it, and the serving bundle is deployed only with a
# version resolved for every variant it declares, by the service principal the jobs run as.
set -euo pipefail

target="${1:?usage: scripts/deploy_region.sh TARGET (staging or prod-<region>)}"
cd "$(dirname "$0")/.."

# The alias whose version every variant falls back to; it is the first one training sets.
first_alias=champion

log() { printf '==> %s: %s\n' "$target" "$*"; }
fail() { printf 'error: %s: %s\n' "$target" "$*" >&2; exit 1; }

# json_get KEY...: the value at that path of the JSON document on stdin ("" if absent; the
# keys of a mapping, space-separated). Not JSON on stdin: a non-zero exit.
json_get() {
  python3 -c '
import json, sys
text = sys.stdin.read()
try:
    value = json.loads(text)
except ValueError:
    sys.exit("error: expected JSON, got: " + (text.strip()[:200] or "nothing"))
for key in sys.argv[1:]:
    value = value.get(key) if isinstance(value, dict) else None
print(" ".join(value) if isinstance(value, dict) else "" if value is None else value)
' "$@"
}

log "deploying the jobs bundle"
databricks bundle deploy -t "$target"

# What this target is, read from the bundle itself (no per-region values in this script).
# Each value is its own assignment, so a failing command stops the script (set -e).
config="$(databricks bundle validate -t "$target" -o json)"
host="$(json_get workspace host <<<"$config")"
role="$(json_get variables role value <<<"$config")"
catalog="$(json_get variables model_catalog value <<<"$config")"
schema="$(json_get variables schema value <<<"$config")"
model_name="$(json_get variables model_name value <<<"$config")"
jobs="$(json_get resources jobs <<<"$config")"
[[ -n "$host" && -n "$catalog" && -n "$schema" && -n "$model_name" ]] ||
  fail "bundle validate did not give the workspace host and the model of this target"
[[ "$role" == primary || "$role" == replica ]] || fail "unknown role '$role' (variable role)"
model="$catalog.$schema.$model_name"
has_job() { [[ " $jobs " == *" $1 "* ]]; }

# Workspace commands run outside the project folder and name the target's host: inside a
# bundle folder the CLI would take the host of the bundle's default target (dev).
workspace() { (cd / && DATABRICKS_HOST="$host" databricks "$@"); }

# resolve ALIAS: sets $version to the version behind @ALIAS, or "" when the alias does not
# exist yet and $missing to why. Any other failure (authentication, network) stops the script:
# only a missing alias may lead to training a first version.
resolve() {
  local out
  version="" missing=""
  if out="$(workspace model-versions get-by-alias "$model" "$1" -o json 2>&1)"; then
    version="$(json_get version <<<"$out")"
    [[ "$version" =~ ^[1-9][0-9]*$ ]] || fail "@$1 of $model: unexpected answer: $out"
  elif grep -qiE 'does not exist|not found|RESOURCE_DOES_NOT_EXIST' <<<"$out"; then
    missing="$out"
  else
    fail "cannot read @$1 of $model: $out"
  fi
}

resolve "$first_alias"
if [[ -z "$version" && "$role" == primary ]] && has_job training; then
  log "no version of $model behind @$first_alias yet: training a first one"
  databricks bundle run training -t "$target"
  resolve "$first_alias"
fi
if [[ -z "$version" ]]; then
  [[ "$role" == primary ]] || missing="the primary region has not shared a version yet: deploy it first. $missing"
  fail "no version of $model behind @$first_alias. $missing"
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
log "done"
