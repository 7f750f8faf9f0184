"""Before ``cdk diff`` compares with a deployed stack: with no AWS credentials it can only fail
("Unable to resolve AWS account"), so say on stderr how to see the same changes offline.

Silent when credentials resolve or when the diff already has ``--template`` (offline by itself).
"""

from __future__ import annotations

import itertools
import sys


def stage_of(argv: list[str]) -> str:
    """The ``stage=`` context value in ``argv`` (``-c``/``--context``), or ``<stage>``."""
    for flag, value in itertools.pairwise(argv):
        if flag in ("-c", "--context") and value.startswith("stage="):
            return value.split("=", 1)[1]
    for arg in argv:
        if arg.startswith("--context=stage=") or arg.startswith("-c=stage="):
            return arg.split("stage=", 1)[1]
    return "<stage>"


def main(argv: list[str]) -> int:
    if "--template" in argv or any(arg.startswith("--template=") for arg in argv):
        return 0
    import botocore.session

    if botocore.session.get_session().get_credentials() is not None:
        return 0
    stage = stage_of(argv)
    print(
        "note: no AWS credentials found, so `cdk diff` cannot read the deployed stack. Offline, the same review:\n"
        f"  release review --stage {stage}          # against baselines/{stage}.template.json, gates data loss\n"
        f"  cdk diff --template baselines/{stage}.template.json version-demo-{stage} -c stage={stage}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
