"""Reusable constructs: versioned function, stage aliases, gradual rollout, tables, dashboard, HTTP entry."""
