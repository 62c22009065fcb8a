#!/usr/bin/env python3
"""Writes Tests/FleetCoreTests/Fixtures/openclaw-config-paths.tsv: the OpenClaw config paths
(with types) under the prefixes fleet renders, taken from shared/openclaw/config-paths.tsv."""
import os, sys
here = os.path.dirname(os.path.abspath(__file__))
tsv = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, '..', '..', 'shared', 'openclaw', 'config-paths.tsv')
out = os.path.join(here, '..', 'Tests', 'FleetCoreTests', 'Fixtures', 'openclaw-config-paths.tsv')
prefixes = ['gateway.port', 'gateway.channelHealthCheckMinutes', 'gateway.mode', 'gateway.bind', 'gateway.customBindHost', 'gateway.auth', 'gateway.reload', 'gateway.controlUi',
            'agents.list', 'agents.defaults.workspace', 'bindings', 'session', 'tools', 'browser', 'logging',
            'secrets.providers', 'models.providers'] + [f'channels.{c}.accounts' for c in ['telegram', 'discord', 'slack', 'whatsapp', 'signal']]
rows = [l.rstrip('\n').split('\t') for l in open(tsv)][1:]
with open(out, 'w') as f:
    f.write('# Derived from shared/openclaw/config-paths.tsv (OpenClaw config baseline): the paths fleet renders, with types.\n')
    f.write('# Regenerate: python3 scripts/gen-render-fixture.py\n')
    for r in rows:
        p = r[0]
        if any(p == x or p.startswith(x + '.') or x.startswith(p + '.') for x in prefixes):
            f.write(f'{p}\t{r[1]}\n')
