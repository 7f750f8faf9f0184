"""The report model shared by the offline diff, the change-set reader, the gate and the renderers.

It mirrors what the CloudFormation console shows for a change set (action, logical ID, type,
replacement, the property that causes it) plus what the console does not say: churn and danger.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Action(StrEnum):
    """What CloudFormation does to the logical ID."""

    ADD = "Add"
    MODIFY = "Modify"
    REMOVE = "Remove"


class Replacement(StrEnum):
    """The console's Replacement column; ``NONE`` is shown for Add and Remove, which have no such column."""

    TRUE = "True"
    CONDITIONAL = "Conditional"
    FALSE = "False"
    UNKNOWN = "Unknown"
    NONE = "-"


REPLACEMENT_RANK = {
    Replacement.NONE: 0,
    Replacement.FALSE: 1,
    Replacement.UNKNOWN: 2,
    Replacement.CONDITIONAL: 3,
    Replacement.TRUE: 4,
}
"""Order used to combine several causes into one resource verdict: the strongest wins."""


def strongest(*values: Replacement) -> Replacement:
    """The strongest replacement among ``values`` (``NONE`` when empty)."""
    return max(values, key=REPLACEMENT_RANK.__getitem__, default=Replacement.NONE)


@dataclass(frozen=True)
class PropertyChange:
    """One changed property (a top-level key of Properties) and why it does or does not replace."""

    path: str
    replacement: Replacement
    reason: str


@dataclass
class ResourceChange:
    """One row of the report: a logical ID that is added, modified or removed."""

    logical_id: str
    resource_type: str
    action: Action
    replacement: Replacement = Replacement.NONE
    causes: list[PropertyChange] = field(default_factory=list)
    attribute_changes: list[str] = field(default_factory=list)
    churn: str | None = None
    notes: list[str] = field(default_factory=list)
    source: str = "template"
    old: dict[str, Any] | None = field(default=None, repr=False, compare=False)
    new: dict[str, Any] | None = field(default=None, repr=False, compare=False)

    @property
    def cause_text(self) -> str:
        """The console's "caused by" column: the properties that drive the replacement verdict."""
        decisive = [c.path for c in self.causes if c.replacement == self.replacement]
        return ", ".join(decisive or [c.path for c in self.causes] or self.attribute_changes)


@dataclass(frozen=True)
class Allowance:
    """An explicit, reasoned permission for a dangerous change to one logical ID (on one stage or all)."""

    logical_id: str
    reason: str
    stage: str | None = None
    origin: str = field(default="", compare=False)
    """Where it was written (``file, allowance N``), for error messages."""


@dataclass
class Finding:
    """A dangerous change: data that would be replaced, deleted or orphaned, and whether it is allowed."""

    kind: str
    logical_ids: tuple[str, ...]
    resource_type: str
    message: str
    allowance: Allowance | None = None

    @property
    def allowed(self) -> bool:
        return self.allowance is not None


@dataclass(frozen=True)
class AssemblyRecord:
    """Which cloud assembly a stage review read: its manifest, when the synth wrote it, the stacks in it."""

    manifest: str
    written_at: str
    stacks: tuple[str, ...]

    def text(self) -> str:
        return f"cloud assembly {self.manifest} written {self.written_at} (stacks: {', '.join(self.stacks)})"


@dataclass
class Report:
    """Everything the review found for one comparison (one stage, two files, or one change set)."""

    label: str
    changes: list[ResourceChange]
    findings: list[Finding]
    notices: list[str] = field(default_factory=list)
    unused_allowances: list[Allowance] = field(default_factory=list)
    assembly: AssemblyRecord | None = None
    """The cloud assembly the new side came from (stage reviews), so a report always says what it judged."""
    template_ids: frozenset[str] = frozenset()
    """Every logical ID in either template (changed or not): what an allowance may name."""
    stage: str | None = None
    allowances_file: str = "review_allowances.toml"
    """Where a DANGER result tells the reader to add an allowance."""

    @property
    def blocking(self) -> list[Finding]:
        """Findings without an allowance: any of these makes the review fail."""
        return [f for f in self.findings if not f.allowed]

    @property
    def allowances_used(self) -> list[Allowance]:
        return [f.allowance for f in self.findings if f.allowance is not None]

    @property
    def safe(self) -> bool:
        return not self.blocking
