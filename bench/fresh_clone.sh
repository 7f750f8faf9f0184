#!/usr/bin/env bash
# Time from a fresh clone to the first synth with the README's first command (setup + main job).
# Clones the current commit into a temporary folder outside the repo and runs scripts/setup.sh there.
# Note: pip's and npm's download caches on this machine are not cleared, so a machine that has
# never downloaded the packages takes longer by the download time.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
git clone --quiet "$root" "$scratch/clone"
start=$(date +%s%N)
bash "$scratch/clone/scripts/setup.sh" > "$scratch/setup.log" 2>&1 || { tail -20 "$scratch/setup.log"; exit 1; }
end=$(date +%s%N)
python3 -c "import sys; print(f'fresh clone -> setup + synth of every stage + review: {(int(sys.argv[2]) - int(sys.argv[1])) / 1e9:.1f} s')" "$start" "$end"
