"""A Lambda function whose every change of code or configuration publishes a new, retained version.

CDK's ``current_version`` hashes the function's code and version-locked configuration, so a deploy
publishes a version exactly when something changed. Old versions are retained (never deleted by
CloudFormation) because rolling back means pointing an alias at one of them.
"""

from __future__ import annotations

import re
from pathlib import Path

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from constructs_lib.function_logging import enable_active_tracing, function_logging

ASSET_EXCLUDES = ["__pycache__", "*.pyc", ".pytest_cache", "tests"]
"""Never part of the code asset: a stray ``__pycache__`` would change the asset hash (and publish a version)."""

_VERSION_LINE = re.compile(r'^VERSION\s*=\s*"(?P<version>\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?)"', re.MULTILINE)


def read_semantic_version(code_dir: Path, module: str = "version.py") -> str:
    """The handler's ``VERSION = "x.y.z"`` without importing the handler (synth must not run Lambda code)."""
    source = code_dir / module
    try:
        match = _VERSION_LINE.search(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f'code_dir: {source} not found; it must define VERSION = "x.y.z"') from None
    if not match:
        raise ValueError(f'code_dir: {source} has no VERSION = "x.y.z" line')
    return match.group("version")


class VersionedFunction(Construct):
    """The function plus its published version for this deploy.

    Keyword-only props:
      function_name: physical name (required, so tools can find it without stack outputs).
      code_dir: the asset folder (required); it must hold ``version.py`` with ``VERSION``.
      handler: entry point (default ``handler.lambda_handler``).
      runtime: Lambda runtime (default Python 3.13, as in the seed).
      memory_mb (default 256), timeout_seconds (default 10), environment (default empty),
      log_retention (default one month; a log group is created so it is not kept forever).
      encryption_key: the stage's key for the environment variables and the log group (default:
      AWS-managed keys); reserved_concurrency: the function's reserved (and maximum) concurrency.
    Active X-Ray tracing is on, so a canary's slow calls can be traced to the version that ran them.
    Exposes ``function``, ``role``, ``current_version`` and ``semantic_version``.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        function_name: str,
        code_dir: Path,
        handler: str = "handler.lambda_handler",
        runtime: lambda_.Runtime = lambda_.Runtime.PYTHON_3_13,
        memory_mb: int = 256,
        timeout_seconds: int = 10,
        environment: dict[str, str] | None = None,
        log_retention: logs.RetentionDays = logs.RetentionDays.ONE_MONTH,
        description: str = "",
        encryption_key: kms.IKey | None = None,
        reserved_concurrency: int | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.semantic_version = read_semantic_version(code_dir)
        logging = function_logging(
            self,
            function_name=function_name,
            retention=log_retention,
            description=f"Execution role of {function_name}",
            encryption_key=encryption_key,
        )
        self.role = logging.role
        self.function = lambda_.Function(
            self,
            "Function",
            function_name=function_name,
            code=lambda_.Code.from_asset(str(code_dir), exclude=ASSET_EXCLUDES),
            handler=handler,
            runtime=runtime,
            memory_size=memory_mb,
            timeout=Duration.seconds(timeout_seconds),
            environment=environment or {},
            environment_encryption=encryption_key,
            reserved_concurrent_executions=reserved_concurrency,
            log_group=logging.log_group,
            role=self.role,
            description=description or f"{function_name} v{self.semantic_version}",
            current_version_options=lambda_.VersionOptions(
                description=f"v{self.semantic_version}",
                removal_policy=RemovalPolicy.RETAIN,
            ),
        )
        self.current_version = self.function.current_version
        enable_active_tracing(self, function=self.function, role=self.role)
