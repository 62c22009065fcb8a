#!/usr/bin/env python3
"""Writes the OpenClaw reference data the tests check against into Tests/FleetCoreTests/Fixtures/,
so that a fresh clone (CI) has it without the workplace's shared/ folder:

- openclaw-2026.4.27.schema.json: OpenClaw's own config JSON Schema of release 2026.4.27
  (shared/openclaw/schema/), with its prose left out (title, description): types, keys,
  enums, patterns and required fields only; the facts the tests validate rendered configs with.
- openclaw-legacy-keys-2026.8.json: the rows of OpenClaw's doctor table of legacy keys
  (shared/openclaw/legacy-keys-2026.8.json): path and replacement of each, without the evidence.

Usage: scripts/gen-openclaw-fixtures.py [SHARED_OPENCLAW_DIR]   (default: ../shared/openclaw)
"""
import json, os, sys

here = os.path.dirname(os.path.abspath(__file__))
source = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, '..', '..', 'shared', 'openclaw')
fixtures = os.path.join(here, '..', 'Tests', 'FleetCoreTests', 'Fixtures')
PROSE = {'title', 'description', 'markdownDescription', 'examples'}


def facts(node):
    if isinstance(node, dict):
        return {k: facts(v) for k, v in node.items() if k not in PROSE}
    if isinstance(node, list):
        return [facts(v) for v in node]
    return node


schema = facts(json.load(open(os.path.join(source, 'schema', 'openclaw-2026.4.27.schema.json'))))
schema['$comment'] = ('OpenClaw 2026.4.27 config schema (upstream 359d871, src/config/schema.base.generated.ts '
                      'with the bundled channels merged in), prose left out; regenerate with '
                      'scripts/gen-openclaw-fixtures.py')
with open(os.path.join(fixtures, 'openclaw-2026.4.27.schema.json'), 'w') as f:
    json.dump(schema, f, sort_keys=True, separators=(',', ':'))
    f.write('\n')

legacy = json.load(open(os.path.join(source, 'legacy-keys-2026.8.json')))
rows = {
    '$comment': ('Paths OpenClaw 2026.8+ refuses at start-up and their replacements (docs/gateway/doctor.md, '
                 '"Legacy config key migrations"); regenerate with scripts/gen-openclaw-fixtures.py'),
    'newest_version_seen': legacy.get('newest_version_seen'),
    'keys': [{'path': k['path'], 'replacement': k['replacement']} for k in legacy['keys']],
}
with open(os.path.join(fixtures, 'openclaw-legacy-keys-2026.8.json'), 'w') as f:
    json.dump(rows, f, indent=1, sort_keys=True)
    f.write('\n')
print('wrote', len(rows['keys']), 'legacy rows and the schema to', os.path.normpath(fixtures))
