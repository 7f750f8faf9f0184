"""The release-operation fixtures (a lab on the session's moto server) for the CLI contract tests."""

from tests.release_ops.conftest import aws_env, lab  # noqa: F401  # re-exported fixtures
