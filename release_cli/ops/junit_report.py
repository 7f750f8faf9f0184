"""JUnit XML for a smoke run, in the shape CodeBuild and GitHub's test-report actions read.

One ``<testsuite>`` per run inside ``<testsuites>``, one ``<testcase>`` per invocation
(``classname`` = function:alias, ``name`` = event and run number) with ``time`` in seconds, a
``<failure message=... type=...>`` with the details on a mismatch, plus one testcase for the split
(failing when a version the alias does not route to ran, ``<skipped>`` when no version was
observed: a check that could not be made is never reported as passed). Counts (tests, failures,
errors, skipped) are on both elements; CodeBuild's JUnit parser and dorny/test-reporter and
mikepenz/action-junit-report need no more than this.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from service_model.input_files import InputFileError, describe_os_error


@dataclass(frozen=True)
class Case:
    name: str
    seconds: float
    failure: str = ""
    failure_type: str = "mismatch"
    output: str = ""
    error: str = ""
    """The case could not run (an AWS error): reported as ``<error>``, counted under ``errors``."""
    skipped: str = ""
    """Why the check could not be made (nothing observed): ``<skipped message=...>``, under ``skipped``."""


def prepare_report_path(path: Path) -> None:
    """Make the report's folder and prove a file can be written there, before anything runs: a smoke run
    that ends in "cannot write the report" has spent its invocations and left CI without its result.
    ``InputFileError`` (exit 2) names the path and the problem (a parent that is a file, no permission)."""
    if path.is_dir():
        raise InputFileError(path, "JUnit report: is a directory; give a file path such as reports/smoke.xml")
    probe = path.with_name(f".{path.name}.probe")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as err:
        problem = (
            "a part of the path is a file, not a folder"
            if isinstance(err, (FileExistsError, NotADirectoryError))
            else describe_os_error(err)
        )
        raise InputFileError(path, f"JUnit report: cannot write it here: {problem}") from None


@dataclass(frozen=True)
class Suite:
    """One ``<testsuite>``: a run of one function (``release smoke`` of a stage writes one per function)."""

    name: str
    classname: str
    cases: list[Case]
    timestamp: str


def write_junit(path: Path, *, suite: str, classname: str, cases: list[Case], timestamp: str) -> None:
    write_suites(path, name=suite, suites=[Suite(suite, classname, cases, timestamp)])


def _counts(cases: list[Case]) -> dict[str, str]:
    return {
        "tests": str(len(cases)),
        "failures": str(sum(1 for case in cases if case.failure)),
        "errors": str(sum(1 for case in cases if case.error)),
        "skipped": str(sum(1 for case in cases if case.skipped)),
        "time": f"{sum(case.seconds for case in cases):.3f}",
    }


def write_suites(path: Path, *, name: str, suites: list[Suite]) -> None:
    """Every suite in one ``<testsuites>`` whose counts add them up, written atomically."""
    root = ET.Element("testsuites", {"name": name, **_counts([c for s in suites for c in s.cases])})
    for suite in suites:
        _add_suite(root, suite)
    ET.indent(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    ET.ElementTree(root).write(temporary, encoding="utf-8", xml_declaration=True)
    temporary.replace(path)


def _add_suite(root: ET.Element, suite: Suite) -> None:
    cases, classname = suite.cases, suite.classname
    testsuite = ET.SubElement(root, "testsuite", {"name": suite.name, "timestamp": suite.timestamp, **_counts(cases)})
    for case in cases:
        element = ET.SubElement(
            testsuite, "testcase", {"classname": classname, "name": case.name, "time": f"{case.seconds:.3f}"}
        )
        if case.failure:
            first_line = case.failure.splitlines()[0]
            failure = ET.SubElement(element, "failure", {"message": first_line[:500], "type": case.failure_type})
            failure.text = case.failure
        if case.error:
            error = ET.SubElement(element, "error", {"message": case.error.splitlines()[0][:500], "type": "aws-error"})
            error.text = case.error
        if case.skipped:
            ET.SubElement(element, "skipped", {"message": case.skipped.splitlines()[0][:500]})
        if case.output:
            ET.SubElement(element, "system-out").text = case.output
