"""Change-set review: tell a safe CloudFormation change from one that loses data, offline, and gate on it.

The pipeline is load (``templates``) -> diff and classify (``diff``) -> find danger (``gate``) ->
render (``render_*``). ``changeset`` feeds a real CloudFormation change set into the same pipeline.
"""

from release_cli.review.errors import ReviewInputError
from release_cli.review.model import Action, Finding, Replacement, Report, ResourceChange
from release_cli.review.review import review_templates

__all__ = [
    "Action",
    "Finding",
    "Replacement",
    "Report",
    "ResourceChange",
    "ReviewInputError",
    "review_templates",
]
