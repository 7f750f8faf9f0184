"""SigV4-signed HTTP requests to an ``AWS_IAM`` HTTP API (``api_auth = "iam"`` in stages.toml).

API Gateway answers an unsigned request to such a route with 403 before the function runs; a signed
one is let through when the signer may ``execute-api:Invoke`` the route. botocore's signer does the
signing with whatever credentials the caller has (profile, role, environment), as the AWS CLI does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

SERVICE = "execute-api"


def signed_headers(
    *,
    method: str,
    url: str,
    body: bytes | None,
    headers: Mapping[str, str],
    credentials: Any,
    region: str,
) -> dict[str, str]:
    """``headers`` plus ``Authorization``, ``X-Amz-Date`` (and ``X-Amz-Security-Token`` for temporary
    credentials): what the request must carry, sent exactly as signed (method, URL, body)."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest

    if credentials is None:
        raise ValueError("no AWS credentials to sign with (configure a profile, role or AWS_* variables)")
    request = AWSRequest(method=method, url=url, data=body or b"", headers=dict(headers))
    SigV4Auth(credentials, SERVICE, region).add_auth(request)
    return dict(request.headers.items())
