"""The function's semantic version; the CDK app reads it into the published version's description."""

VERSION = "1.0.0"
