"""The order worker's semantic version; the CDK app reads it with a regex into the published version's description."""

VERSION = "1.0.0"
