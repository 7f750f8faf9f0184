"""The release CLI: what happens around and after a deploy (review, baseline, protect, local runs; later
status, invoke, smoke, canary, promote, rollback, prune), one command per module in ``commands/``."""
