"""Release operations on a deployed stage: read and move aliases, invoke, smoke, prune, audit.

Small modules, one job each. Plumbing: ``target`` (which function and audit table: stack outputs,
stage names, or named), ``clients`` (boto3 honouring ``AWS_ENDPOINT_URL``, profile and Region; AWS
errors with a next step), ``errors``, ``confirm``, ``output``, ``caller`` (STS). Reads:
``lambda_reads`` (versions, aliases, code storage, paginated), ``deployments`` (CodeDeploy in
progress; stop with rollback). Moves: ``route_rules`` (Lambda's alias rules, checked first),
``alias_move`` (the guarded, audited change), ``move_report``, ``audit_log`` (the trail's item
layout). Status: ``status_report``, ``drift``, ``stages_pin`` (with ``file_rewrite``). Smoke:
``invoker``, ``smoke_run``, ``split_stats`` (Wilson intervals), ``junit_report``, ``progress``. Prune:
``prune_plan``, ``prune_run`` (batched deletes, a record kept complete), ``interrupts`` (SIGINT/SIGTERM
as an exception). Production: ``production`` (which stage counts), ``rollback_plan`` (the undo stack).
The command modules in ``release_cli.commands`` parse options and print; the work is here.
"""
