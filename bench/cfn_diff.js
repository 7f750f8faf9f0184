// Run the engine behind `cdk diff` (@aws-cdk/cloudformation-diff) outside the CDK CLI.
//
//   node bench/cfn_diff.js diff OLD.json NEW.json   -> JSON: {parse_ms, diff_ms, format_ms, warm_diff_ms, by_impact, ...}
//   node bench/cfn_diff.js spec TYPE [TYPE...]      -> JSON: {TYPE: {Property: "yes"|"maybe"}}
//
// `diff` times reading + JSON.parse of the two files, fullDiff() and formatDifferences() separately
// (the bench compares each side with and without the load), then fullDiff() once more in the same
// process (warm: first-use loading and JIT done), and lists the logical IDs per impact,
// so the bench can compare verdicts. `spec` dumps the replacement data cdk diff uses, for
// cross-checking against the CloudFormation resource schemas.
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..', 'node_modules', '@aws-cdk', 'cloudformation-diff');
const cfnDiff = require(root);

function diff(oldFile, newFile) {
  const started = process.hrtime.bigint();
  const oldTemplate = JSON.parse(fs.readFileSync(oldFile, 'utf8'));
  const newTemplate = JSON.parse(fs.readFileSync(newFile, 'utf8'));
  const parsed = process.hrtime.bigint();
  const result = cfnDiff.fullDiff(oldTemplate, newTemplate);
  const diffed = process.hrtime.bigint();
  const byImpact = {};
  result.resources.forEachDifference((logicalId, change) => {
    (byImpact[change.changeImpact] = byImpact[change.changeImpact] || []).push(logicalId);
  });
  const sink = { write: () => true };
  cfnDiff.formatDifferences(sink, result);
  const formatted = process.hrtime.bigint();
  // The same diff again in this process: what fullDiff costs once its first-use loading and JIT are done.
  cfnDiff.fullDiff(JSON.parse(JSON.stringify(oldTemplate)), JSON.parse(JSON.stringify(newTemplate)));
  const again = process.hrtime.bigint();
  return {
    parse_ms: Number(parsed - started) / 1e6,
    diff_ms: Number(diffed - parsed) / 1e6,
    format_ms: Number(formatted - diffed) / 1e6,
    warm_diff_ms: Number(again - formatted) / 1e6,
    differences: result.resources.differenceCount,
    by_impact: byImpact,
  };
}

function spec(types) {
  const util = require(path.join(root, 'lib', 'diff', 'util'));
  const out = {};
  for (const type of types) {
    const model = util.loadResourceModel(type);
    const props = {};
    for (const [name, prop] of Object.entries((model && model.properties) || {})) {
      if (prop.causesReplacement && prop.causesReplacement !== 'no') props[name] = prop.causesReplacement;
    }
    out[type] = model ? props : null;
  }
  return out;
}

const [mode, ...args] = process.argv.slice(2);
if (mode === 'diff' && args.length === 2) {
  process.stdout.write(JSON.stringify(diff(args[0], args[1])) + '\n');
} else if (mode === 'spec' && args.length > 0) {
  process.stdout.write(JSON.stringify(spec(args)) + '\n');
} else {
  process.stderr.write('usage: cfn_diff.js diff OLD NEW | spec TYPE...\n');
  process.exit(2);
}
