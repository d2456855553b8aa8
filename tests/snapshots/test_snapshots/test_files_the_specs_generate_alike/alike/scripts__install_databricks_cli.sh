#!/usr/bin/env bash
# Install one exact version of the Databricks CLI (Linux, amd64 or arm64) for CI, checked
# against the SHA-256 sums published with that release. GitHub Actions uses the pinned
# databricks/setup-cli action instead; the other CI systems run this script.
#
# Usage: scripts/install_databricks_cli.sh VERSION DIR   (then put DIR on PATH)
# Needs: curl, sha256sum, python3 (to unzip, so the image needs no unzip).
set -euo pipefail

version="${1:?usage: scripts/install_databricks_cli.sh VERSION DIR}"
dir="${2:?usage: scripts/install_databricks_cli.sh VERSION DIR}"

case "$(uname -m)" in
  x86_64) arch=amd64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "error: no Databricks CLI build for $(uname -m)" >&2; exit 1 ;;
esac
archive="databricks_cli_${version}_linux_${arch}.zip"
sums="databricks_cli_${version}_SHA256SUMS"
base="https://github.com/databricks/cli/releases/download/v${version}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
curl --fail --silent --show-error --location --retry 3 --proto '=https' \
  --output "$work/$archive" "$base/$archive" \
  --output "$work/$sums" "$base/$sums"
# The archive must be listed in the sums file and match it.
(cd "$work" && grep " ${archive}\$" "$sums" | sha256sum --check --strict -)

python3 -m zipfile -e "$work/$archive" "$work/cli"
mkdir -p "$dir"
install -m 0755 "$work/cli/databricks" "$dir/databricks"
installed="$("$dir/databricks" version)"
echo "$installed"
[[ "$installed" == *"$version"* ]] || { echo "error: expected Databricks CLI $version" >&2; exit 1; }
