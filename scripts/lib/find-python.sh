#!/usr/bin/env bash
# Prints the path of the Python the project's virtualenv should use, and says on stderr which and why:
# the Lambda runtime's Python (3.13, stages.toml's default runtime) when the machine has it, so the
# handler is tested on the version it runs on; otherwise the newest 3.11+ it finds.
# pyenv installs interpreters whose `python3.X` shims fail unless that version is selected, so each
# candidate is run, not just looked up, and pyenv's own version folders are searched as well.
set -euo pipefail

runtime_minor=13
candidates() {
  local minor
  for minor in "$runtime_minor" 14 12 11; do
    echo "python3.$minor"
    if command -v pyenv >/dev/null 2>&1; then
      ls -d "$(pyenv root)"/versions/3."$minor".*/bin/python3."$minor" 2>/dev/null | sort -V -r || true
    fi
  done
  echo python3
}

works() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' >/dev/null 2>&1; }

while read -r candidate; do
  if works "$candidate"; then
    path=$(command -v "$candidate")
    version=$("$candidate" -c 'import platform; print(platform.python_version())')
    case "$version" in
      3."$runtime_minor".*) why="the Lambda runtime's version" ;;
      *) why="no Python 3.$runtime_minor here (the Lambda runtime's); the newest 3.11+ found" ;;
    esac
    echo "Python $version ($path): $why" >&2
    echo "$path"
    exit 0
  fi
done < <(candidates)

echo "error: no Python 3.11 or newer found (tried python3.13, python3.14, python3.12, python3.11, python3, pyenv)" >&2
exit 2
