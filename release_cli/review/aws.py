"""boto3 access for the commands that need credentials, with AWS errors turned into input errors.

boto3 honours ``AWS_ENDPOINT_URL``, which is how the tests point these calls at a local moto server.
boto3 and botocore are imported inside the functions: a command that never calls AWS (and
``release --help``) does not pay their 100+ ms import.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from release_cli.review.errors import ReviewInputError
from release_cli.review.templates import Template, parse_template, validate_template


@contextmanager
def aws_errors(action: str) -> Iterator[None]:
    """Turn boto3/botocore failures into a ``ReviewInputError`` that names what was being done."""
    from botocore.exceptions import BotoCoreError, ClientError
    from botocore.parsers import ResponseParserError

    try:
        yield
    except ClientError as err:
        error = err.response.get("Error", {})
        raise ReviewInputError(f"{action}: {error.get('Code', 'error')}: {error.get('Message', err)}") from None
    except BotoCoreError as err:
        raise ReviewInputError(f"{action}: {err}") from None
    except ResponseParserError:
        raise ReviewInputError(
            f"{action}: the endpoint sent a response that is not the API's (not implemented there?)"
        ) from None


def cloudformation_client(*, region: str | None, profile: str | None) -> Any:
    """A CloudFormation client for the given Region and profile (either may come from the environment)."""
    import boto3

    with aws_errors("creating the CloudFormation client"):
        return boto3.Session(region_name=region, profile_name=profile).client("cloudformation")


def get_template(*, client: Any, stack_name: str, change_set_name: str | None = None) -> Template:
    """The stack's deployed template, or the template of one of its change sets (JSON or YAML)."""
    request: dict[str, str] = {"StackName": stack_name}
    if change_set_name:
        request["ChangeSetName"] = change_set_name
    what = f"change set {change_set_name} of {stack_name}" if change_set_name else f"stack {stack_name}"
    with aws_errors(f"reading the template of {what}"):
        body = client.get_template(**request)["TemplateBody"]
    origin = f"template of {what}"
    if isinstance(body, str):
        return parse_template(text=body, origin=origin)
    return validate_template(document=body, origin=origin)
