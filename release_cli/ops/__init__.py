"""Release operations on a deployed stage: read and move aliases, invoke, prune, audit.

Small modules, one job each: ``target`` finds the function and audit table of a stage,
``clients`` makes boto3 clients (honouring ``AWS_ENDPOINT_URL``, profile and Region), ``lambda_reads``
reads versions and aliases, ``route_rules`` checks Lambda's alias rules before any call,
``deployments`` finds CodeDeploy deployments in progress, ``audit_log`` writes and reads the audit
trail, ``alias_move`` runs one guarded, audited alias change. The command modules in
``release_cli.commands`` parse options and print; the work is here.
"""
