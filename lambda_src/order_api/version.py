"""The Order API's semantic version; the CDK app reads it with a regex into the published version's description."""

VERSION = "2.1.0"
