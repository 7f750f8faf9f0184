"""The Order API's code below the entry point: request parsing, validation, logic and DynamoDB access.

Kept as a package (not loose top-level modules) so its names cannot collide with other code on the same
``sys.path`` in tests and the local runner; ``handler.py`` at the asset root stays the Lambda entry point.
"""
