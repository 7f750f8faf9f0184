"""The order worker's code below the entry point: stream records in, conditional order updates out.

A package with its own name (not ``order_service``, not loose top-level modules) so it can share a
``sys.path`` with the Order API's asset in tests and the local runner without a name colliding;
``handler.py`` at the asset root stays the Lambda entry point.
"""
