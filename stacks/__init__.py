"""Per-stage stacks and the typed stage settings they are built from."""
