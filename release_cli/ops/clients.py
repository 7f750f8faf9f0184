"""boto3 clients for the release operations, and AWS errors turned into ``OpsError`` with a next step.

boto3 reads ``AWS_ENDPOINT_URL`` (and ``AWS_ENDPOINT_URL_<SERVICE>``), the profile and the Region
the standard way, so every command runs against any AWS-compatible endpoint (the tests use a local
moto server). Every API call made through a context is counted (``AwsContext.calls``): the bench
shows that ``status`` grows with pages, not versions. boto3 is imported only when a client is made.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from release_cli.ops.errors import OpsError

HINTS = {
    "AccessDenied": "check the credentials and Region (--profile, --region) have the permission named above",
    "AccessDeniedException": "check the credentials and Region (--profile, --region) have the permission named above",
    "UnrecognizedClientException": "check the credentials (--profile, AWS_PROFILE) and the endpoint",
    "ExpiredTokenException": "refresh the credentials (aws sso login, or a new session) and run again",
    "ResourceNotFoundException": "check the name (release status --stage S shows what is deployed)",
    "TooManyRequestsException": "Lambda throttled the calls; wait a minute and run again",
}


class AwsContext:
    """One boto3 session for a command: Region and profile from the options, clients made once each."""

    def __init__(self, *, region: str | None = None, profile: str | None = None) -> None:
        self.region = region
        self.profile = profile
        self.calls: list[str] = []
        self._clients: dict[str, Any] = {}
        self._session: Any = None

    def client(self, service: str) -> Any:
        if service not in self._clients:
            import boto3
            from botocore.config import Config

            with aws_call(f"creating the {service} client"):
                if self._session is None:
                    self._session = boto3.Session(region_name=self.region, profile_name=self.profile)
                config = Config(retries={"mode": "standard", "max_attempts": 5})
                client = self._session.client(service, config=config)
            client.meta.events.register("before-parameter-build", self._count)
            self._clients[service] = client
        return self._clients[service]

    def use(self, service: str, client: Any) -> None:
        """Use ``client`` (a stubbed one in tests) for ``service``."""
        client.meta.events.register("before-parameter-build", self._count)
        self._clients[service] = client

    def _count(self, model: Any, **_: Any) -> None:
        self.calls.append(f"{model.service_model.service_name}.{model.name}")


def error_code(err: Exception) -> str:
    """The AWS error code of a botocore ``ClientError`` (empty for anything else)."""
    response = getattr(err, "response", None)
    return str(response.get("Error", {}).get("Code", "")) if isinstance(response, dict) else ""


@contextmanager
def aws_call(action: str, *, hint: str = "") -> Iterator[None]:
    """Turn boto3/botocore failures into an ``OpsError`` naming what was being done and what to do next."""
    from botocore.exceptions import BotoCoreError, ClientError
    from botocore.parsers import ResponseParserError

    try:
        yield
    except ClientError as err:
        error = err.response.get("Error", {})
        code = str(error.get("Code", "error"))
        advice = hint or HINTS.get(code, "check the endpoint, credentials and Region, then run again")
        raise OpsError(f"{action}: {code}: {error.get('Message', err)} ({advice})") from None
    except ResponseParserError:
        raise OpsError(f"{action}: the endpoint's answer is not the API's (is this API implemented there?)") from None
    except BotoCoreError as err:
        raise OpsError(f"{action}: {err} (check the endpoint, credentials and Region)") from None
