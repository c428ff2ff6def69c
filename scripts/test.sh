#!/usr/bin/env bash
# Builds the solution, publishes every host (scripts/publish.sh), runs every test project and prints one summary line
# ("N passed, N failed, N skipped"). Tests that need ../shared (real documents, the tiny GGUF model) skip with a reason
# when it is absent. Extra arguments go to dotnet test (e.g. --filter).
set -uo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
log=$(mktemp)
dotnet build PrivateRag.sln -c Debug -nologo -v minimal 2>&1 | tee "$log" | grep -E "error|Warn|Elapsed" || true
if grep -qE "Build FAILED|error [A-Z]+[0-9]+" "$log"; then
  echo "build failed"; echo "0 passed, 1 failed"; exit 1
fi

# The hosts as they ship: Release, published with the Dockerfiles' command (scripts/publish.sh). PublishedAppTests run
# them from these folders in Production (they skip with the reason when PRIVATERAG_PUBLISHED is unset, e.g. with
# PRIVATERAG_SKIP_PUBLISH=1 for a quicker local run).
if [ "${PRIVATERAG_SKIP_PUBLISH:-}" != "1" ]; then
  if bash scripts/publish.sh artifacts/publish >"$log" 2>&1; then
    grep -E "^publish:" "$log"
    export PRIVATERAG_PUBLISHED="$PWD/artifacts/publish"
  else
    grep -E "error|publish" "$log" | tail -40
    echo "publish failed"; echo "0 passed, 1 failed"; exit 1
  fi
fi

status=0
dotnet test PrivateRag.sln -c Debug --no-build -nologo "$@" 2>&1 | tee "$log" || status=$?
passed=$(grep -oE "Passed: +[0-9]+" "$log" | grep -oE "[0-9]+" | paste -sd+ | bc 2>/dev/null || echo 0)
failed=$(grep -oE "Failed: +[0-9]+" "$log" | grep -oE "[0-9]+" | paste -sd+ | bc 2>/dev/null || echo 0)
skipped=$(grep -oE "Skipped: +[0-9]+" "$log" | grep -oE "[0-9]+" | paste -sd+ | bc 2>/dev/null || echo 0)
rm -f "$log"
echo "${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
exit $status
