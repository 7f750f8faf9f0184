"""Which template ``release local`` and ``release serve`` run on: never a stale or partial assembly's.

``cdk synth -c stage=prod`` rewrites ``cdk.out/manifest.json`` with the prod stack alone and leaves an
earlier synth's dev template on disk; ``release local --stage dev`` used to read that file silently.
So, without ``--template``, the stage's template is taken as ``review`` takes it
(``release_cli.review.assembly``): from the manifest's stack artifacts only (a stage the last synth
did not write is an error saying what to synthesize), and only from an assembly newer than every
source that shapes the template's tables, routes and environment (``INFRASTRUCTURE_SOURCES``).

One difference from ``review``, on purpose: an edit to the handler's code (``lambda_src``) or to the
test events does not make the template stale here. Both commands import the handler from the source
folder and read the events from ``test_events/``, so the edit-and-run loop needs no synth; the
template's only trace of that code is an asset hash, which a local run never reads. ``--template FILE``
runs on the file given, unchecked: the user chose it.
"""

from __future__ import annotations

from pathlib import Path

from release_cli.local_invoke import LocalInvokeError
from release_cli.locations import CDK_OUT, project_path
from release_cli.review.assembly import SOURCES, read_assembly, require_fresh, stage_templates
from release_cli.review.errors import ReviewInputError
from service_model.project import ProjectNotFoundError, project_root

RUN_FROM_SOURCE = ("lambda_src", "test_events")
"""Sources a local run reads directly, never through the template."""

INFRASTRUCTURE_SOURCES = tuple(name for name in SOURCES if name not in RUN_FROM_SOURCE)
"""The sources whose edits can change what a local run takes from the template."""


def local_template_file(*, stage: str, template: Path | None, cdk_out: Path | None = None) -> Path:
    """``--template`` when given; else the stage's template from a fresh assembly that lists it (the project's
    cdk.out by default), or a ``LocalInvokeError`` that says what to synthesize."""
    if template is not None:
        return template
    try:
        assembly = read_assembly(cdk_out or project_path(CDK_OUT))
        path = stage_templates(assembly=assembly, stages=[stage])[stage]
        try:
            root = project_root()
        except ProjectNotFoundError:
            return path
        require_fresh(assembly=assembly, root=root, sources=INFRASTRUCTURE_SOURCES)
    except ReviewInputError as err:
        raise LocalInvokeError(f"{err} (or pass --template FILE to run on a template of your choice)") from None
    return path
