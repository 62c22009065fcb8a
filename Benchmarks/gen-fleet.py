#!/usr/bin/env python3
"""Writes a valid fleet of N bots for benchmarks: gen-fleet.py N DIR [--seed S] [--git].

DIR/fleet/fleet.yaml holds a Fleet manifest (maxBots raised to fit N) and DIR/fleet/bots/
holds one file per bot, with varied channels (telegram, discord, slack, whatsapp, signal),
bindings, labels, sessions and tools, and plain-text (fake) tokens that the Fleet manifest
allows (`secrets.allowPlaintext`). Every manifest is valid, so `fleet validate` of the result
exits 0 (warnings: W005 for the plain text; W006 once the ports of a large fleet reach 32768); render and plan benchmarks reuse it. With --git, DIR is made a git repository
and the files are committed (fixed author and date, so runs are reproducible).
"""
import argparse
import os
import random
import subprocess

TEAMS = ["support", "sales", "platform", "community", "billing", "growth", "research", "ops"]
MODELS = ["anthropic/claude-sonnet-4-5", "anthropic/claude-haiku-4-5", "openai/gpt-4.1", "openai/gpt-4o-mini",
          "google/gemini-2.5-flash"]
HOSTS = ["edge-1", "edge-2", "edge-3"]


def channel(kind, rnd, i, account="default"):
    lines = [f"    - type: {kind}", f"      accountId: {account}"]
    ids = [str(rnd.randrange(10**8, 10**9)) for _ in range(rnd.randrange(1, 4))]
    if kind == "telegram":
        lines += [f'      credentials: {{botToken: "{i}:tg-token-{account}"}}',
                  "      dmPolicy: allowlist", f"      allowFrom: [{', '.join(repr(x) for x in ids)}]",
                  "      groupPolicy: disabled"]
    elif kind == "discord":
        lines += [f'      credentials: {{token: "discord-token-{i}-{account}"}}', "      dmPolicy: pairing",
                  "      groupPolicy: allowlist", f'      guilds: ["{ids[0]}"]', "      requireMention: true"]
    elif kind == "slack":
        lines += ["      mode: socket", f'      credentials: {{botToken: "xoxb-{i}-{account}", appToken: "xapp-{i}-{account}"}}',
                  "      dmPolicy: allowlist", f'      allowFrom: ["U{ids[0]}"]', "      groupPolicy: allowlist"]
    elif kind == "whatsapp":
        lines += ["      dmPolicy: open", '      allowFrom: ["*"]', "      groupPolicy: disabled"]
    elif kind == "signal":
        lines += [f'      account: "+1555{i:07d}"', "      dmPolicy: pairing", "      groupPolicy: disabled"]
    return lines, ids


def bot(i, rnd):
    name = f"bot-{i:04d}"
    team = TEAMS[i % len(TEAMS)]
    kinds = ["telegram", "discord", "slack", "whatsapp", "signal"]
    chosen = [kinds[i % 5]] + ([kinds[(i + 2) % 5]] if i % 3 == 0 else [])
    out = [
        "# yaml-language-server: $schema=../../schemas/bot.schema.json",
        "apiVersion: fleet/v1",
        "kind: Bot",
        "metadata:",
        f"  name: {name}",
        f"  labels: {{team: {team}, host: {HOSTS[i % len(HOSTS)]}, tier: \"{i % 4}\"}}",
        f'  owners: ["@example/{team}"]',
        "spec:",
        f"  displayName: {team.title()} Bot {i}",
        f"  enabled: {'false' if i % 17 == 0 else 'true'}",
        f"  model: {MODELS[i % len(MODELS)]}",
        "  systemPrompt: |",
        f"    You are the {team} assistant number {i} of Example Ltd.",
        "    Answer briefly and hand over to a person when asked.",
        "  gateway: {port: auto, bind: loopback}",
        f"  session: {{scope: per-sender, dmScope: per-channel-peer, reset: {{mode: {'daily, atHour: 4' if i % 2 else 'idle, idleMinutes: 120'}}}}}",
        f"  tools: {{profile: messaging, bash: false, browser: false, web: {'true' if i % 2 else 'false'}, media: true}}",
        "  channels:",
    ]
    bindings = []
    for kind in chosen:
        lines, ids = channel(kind, rnd, i)
        out += lines
        if kind == "discord":
            bindings.append(f'    - {{channel: discord, guildId: "{ids[0]}", priority: 5}}')
        elif kind == "slack":
            bindings.append(f"    - {{channel: slack, teamId: T{i:05d}, priority: 1}}")
        else:
            bindings.append(f'    - {{channel: {kind}, accountId: default, peer: {{kind: direct, id: "{ids[0]}"}}, priority: 10}}')
            bindings.append(f"    - {{channel: {kind}, accountId: default}}")
    out.append("  bindings:")
    out += bindings
    return name, "\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("dir")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--git", action="store_true", help="make DIR a git repository and commit")
    args = parser.parse_args()
    rnd = random.Random(args.seed)
    bots_dir = os.path.join(args.dir, "fleet", "bots")
    os.makedirs(bots_dir, exist_ok=True)
    with open(os.path.join(args.dir, "fleet", "fleet.yaml"), "w") as f:
        f.write(f"""# yaml-language-server: $schema=../schemas/fleet.schema.json
apiVersion: fleet/v1
kind: Fleet
metadata:
  name: bench
spec:
  # Benchmark tokens are fake and in plain text: allowed here (W005), an error in a real fleet.
  secrets: {{allowPlaintext: true}}
  basePort: 20000
  portStride: 20
  maxBots: {max(args.n, 1)}
  gatewayCommand: [openclaw-sim, gateway, run]
  reconcileInterval: 30s
  health: {{startTimeout: 20s, probeTimeout: 2s, failureThreshold: 3, stopGracePeriod: 5s}}
  # The model providers' keys, once for every bot, as an operator sets them (fake, plain text as
  # above); without them every bot draws W010 and validate spends its time printing warnings.
  providers:
    anthropic: {{apiKey: "sk-ant-bench-not-a-real-key"}}
    openai: {{apiKey: "sk-bench-not-a-real-key"}}
    google: {{apiKey: "bench-not-a-real-google-key"}}
  defaults:
    model: anthropic/claude-sonnet-4-5
    session: {{scope: per-sender}}
    tools: {{profile: messaging}}
""")
    for i in range(args.n):
        name, text = bot(i, rnd)
        with open(os.path.join(bots_dir, name + ".yaml"), "w") as f:
            f.write(text)
    if args.git:
        env = dict(os.environ, GIT_AUTHOR_NAME="Bench", GIT_AUTHOR_EMAIL="bench@example.com",
                   GIT_COMMITTER_NAME="Bench", GIT_COMMITTER_EMAIL="bench@example.com",
                   GIT_AUTHOR_DATE="1700000000 +0000", GIT_COMMITTER_DATE="1700000000 +0000")
        run = lambda *a: subprocess.run(["git", *a], cwd=args.dir, env=env, check=True, stdout=subprocess.DEVNULL)
        run("-c", "init.defaultBranch=main", "init", "-q")
        run("add", "-A")
        run("commit", "-q", "-m", f"A fleet of {args.n} bots")


if __name__ == "__main__":
    main()
