"""The neutral model both sides share: stages (``stages.toml``), alias rules, test events and names.

The CDK side (``stacks/``, ``constructs_lib/``) and the release CLI (``release_cli/``) both import
this package and never each other, so the CLI starts without loading aws-cdk-lib and can grow
(status, smoke, promote, ...) without an import cycle. This package imports neither side, and only
the standard library: a test holds both rules (``tests/test_import_direction.py``).
"""
