#!/usr/bin/env bash
# Publishes hosts the way the images are built: the dotnet publish line below is the one docker/Dockerfile and
# docker/Dockerfile.cuda run (a test, PublishedAppTests, compares them), only with the output folder set here.
#   bash scripts/publish.sh [OUT_DIR] [PROJECT...]
# OUT_DIR defaults to artifacts/publish; each project lands in OUT_DIR/PROJECT. Without projects: every host.
set -euo pipefail
cd "$(dirname "$0")/.."

out=$(realpath -m "${1:-artifacts/publish}")
shift || true
projects=("$@")
[ ${#projects[@]} -gt 0 ] || projects=(PrivateRag.Web PrivateRag.Ingest.Worker PrivateRag.Inference.Server PrivateRag.Cli)

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
for PROJECT in "${projects[@]}"; do
  OUT="$out/$PROJECT"
  rm -rf "$OUT"
  dotnet publish src/${PROJECT}/${PROJECT}.csproj -c Release -o "$OUT" /p:UseAppHost=false
  echo "publish: $PROJECT -> $OUT"
done
