#!/usr/bin/env bash
# Prints the two times a newcomer and CI wait for, from a fresh clone of the current commit:
#   1. the README's first command (scripts/setup.sh: set-up, synth of every stage, lint, review);
#      target: at most 60 s with warm package caches;
#   2. `.ci/run` in another fresh clone (set-up, main job, static checks beside the test suite);
#      target: at most 150 s.
# Package caches (uv, pip, npm) are left as they are, so these are warm-cache numbers; with cold
# caches add the download time (about a minute here). mypy's cache is per clone, so it is cold.
# Usage: bash bench/fresh_clone.sh [--setup-only]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

timed() {  # timed LABEL LOG COMMAND...: run, print the seconds, show the log's tail on failure
  local label=$1 log=$2
  shift 2
  local start end
  start=$(date +%s%N)
  "$@" > "$log" 2>&1 || { tail -30 "$log"; echo "FAILED: $label"; exit 1; }
  end=$(date +%s%N)
  awk -v s="$start" -v e="$end" -v l="$label" 'BEGIN { printf "%s: %.1f s\n", l, (e - s) / 1e9 }'
}

git clone --quiet "$root" "$scratch/setup"
timed "fresh clone -> README's first command (set-up + synth + lint + review)" "$scratch/setup.log" \
  bash "$scratch/setup/scripts/setup.sh"
if [ "${1:-}" != "--setup-only" ]; then
  git clone --quiet "$root" "$scratch/ci"
  timed "fresh clone -> .ci/run (set-up, main job, checks beside the tests)" "$scratch/ci.log" \
    env CI=true bash "$scratch/ci/.ci/run"
  grep -E "[0-9]+ passed" "$scratch/ci.log" | tail -1
fi
