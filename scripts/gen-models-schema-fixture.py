#!/usr/bin/env python3
"""Writes Tests/FleetCoreTests/Fixtures/openclaw-2026.4.27-models-secrets.schema.json: the `models` and
`secrets` parts of OpenClaw's 2026.4.27 config JSON Schema (shared/openclaw/schema/), which the test of
the rendered `models` section validates against (Python jsonschema + json5)."""
import json, os, sys
here = os.path.dirname(os.path.abspath(__file__))
src = sys.argv[1] if len(sys.argv) > 1 else '/work/shared/openclaw/schema/openclaw-2026.4.27.schema.json'
out = os.path.join(here, '..', 'Tests', 'FleetCoreTests', 'Fixtures', 'openclaw-2026.4.27-models-secrets.schema.json')
full = json.load(open(src))
part = {
    '$schema': full['$schema'],
    '$comment': 'properties.models and properties.secrets of OpenClaw 2026.4.27\'s config schema '
                '(shared/openclaw/schema/openclaw-2026.4.27.schema.json); regenerate with scripts/gen-models-schema-fixture.py',
    'type': 'object',
    'properties': {k: full['properties'][k] for k in ('models', 'secrets')},
    'additionalProperties': False,
}
with open(out, 'w') as f:
    json.dump(part, f, indent=1, sort_keys=True)
    f.write('\n')
