#!/usr/bin/env python3
"""fleet against supervisord, same gateways, same run (issues 9 and 18). One command:

    nice -n 19 Benchmarks/compare-supervisord.py      # N = 10, 50, 200, gateways that start at once and
                                                      # gateways that start like real ones; plan/validate
    Benchmarks/compare-supervisord.py --quick         # N = 5, few kills, plan/validate at 10 and 100
    Benchmarks/compare-supervisord.py --sizes 10,50 --kills 20 --kills-at-50 50 --starts realistic

Two kinds of gateway start, both by default (`--starts instant,realistic`): the stand-in as it is
(it answers /healthz ~12 ms after exec), and the stand-in with a real OpenClaw gateway's start-up,
`OPENCLAW_SIM_STARTUP_CPU_MS=1800` (1.8 s of CPU before it listens) and
`OPENCLAW_SIM_STARTUP_DELAY_MS=250` (ready 0.25 s later): the figures OpenClaw's issue
openclaw/openclaw#148529 reports for a Linux host (docs/openclaw-sim.md, "Start-up time";
`--cpu-ms`, `--ready-ms` change them). fleet launches `env <those> openclaw-sim gateway run`;
supervisord runs the same process with the same environment.

For each N it generates a fleet of N bots (Benchmarks/gen-fleet.py; plaintext tokens, so the
Fleet manifest gets `secrets: {allowPlaintext: true}`; gateway `openclaw-sim gateway run`) in a
temporary git repository, and measures, first with `fleet daemon --interval 30s`, then with
supervisord managing the same gateways (same executable, arguments, environment and config
files: copied from what fleet rendered and launched, paths moved to supervisord's root):

  (a) start: from launching the manager to every enabled gateway answering /healthz;
  (b) a config change of one bot (its model: a hot-reload-class change), from the edit to the
      gateway serving the new file (the stand-in's /readyz `configHash`), and how many gateways
      got a new pid; the median of `--changes` changes (5), since the gateway notices a new file
      on its own 200 ms poll plus a 300 ms debounce, a phase each single change draws by chance. fleet: edit the manifest, commit, SIGHUP (what `fleet reconcile` and the
      post-receive hook do). supervisord: edit the bot's config file, then
      `supervisorctl reread && supervisorctl update`, as an operator with hand-written configs.
      Also a port change (a restart-class change): fleet edits the manifest; supervisord's
      operator edits the config file and the program's command line, then reread/update;
  (c) kill-to-healthy after SIGKILL of one gateway (a new pid answering /healthz), over many
      kills spread over the bots;
  (d) resident memory (VmRSS) and CPU (utime+stime over 10 s) of the idle manager itself.

Then fleet alone: `fleet plan` (nothing running) and `fleet validate` against 10..5000 bots.

Every wait is bounded; only 127.0.0.1 is used; every process started is stopped at the end
(supervisord stops its programs; fleet's gateways are destroyed; a last sweep kills any gateway
left under the temporary roots, by pid). Needs Debian's `supervisor` (installed with apt-get
when missing; the system service is not started).
"""
import argparse
import hashlib
import json
import os
import random
import re
import shutil
import signal
import socket
import struct
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PKG = os.path.dirname(HERE)
CLK = os.sysconf("SC_CLK_TCK")
MODELS = ["anthropic/claude-sonnet-4-5", "anthropic/claude-haiku-4-5", "openai/gpt-4.1", "openai/gpt-4o-mini",
          "google/gemini-2.5-flash"]
started = []  # Popen objects we own


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def sh(*args, **kw):
    return subprocess.run(args, check=True, text=True, capture_output=True, **kw)


def wait_until(pred, timeout, step=0.005):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = pred()
        if v:
            return v
        time.sleep(step)
    return None


def http(port, path, timeout=0.5):
    """(status, body) of GET path on 127.0.0.1:port, or None."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
            data = b""
            deadline = time.monotonic() + 2 * timeout  # a gateway that accepts and never answers ends the request
            while True:
                if time.monotonic() > deadline:
                    return None
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        return int(head.split(b" ", 2)[1]), body.decode("utf-8", "replace")
    except (OSError, ValueError, IndexError):
        return None


class ListeningPorts:
    """The loopback IPv4 TCP ports in LISTEN state, from the kernel's sock_diag netlink interface
    (what `ss -ltn` asks): one request walks the listening sockets only, where a refused connect
    per pending port costs a syscall round trip each, and /proc/net/tcp walks every socket hash
    bucket (~10 ms a read here). None when netlink is not available (the poller then connects)."""
    NETLINK_SOCK_DIAG = 4
    SOCK_DIAG_BY_FAMILY = 20
    NLM_F_REQUEST, NLM_F_DUMP = 0x1, 0x300
    NLMSG_ERROR, NLMSG_DONE = 2, 3
    TCP_LISTEN = 10

    def __init__(self):
        try:
            self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, self.NETLINK_SOCK_DIAG)
        except (OSError, AttributeError):
            self.sock = None
        self.seq = 0

    def ports(self):
        if self.sock is None:
            return None
        self.seq += 1
        # struct inet_diag_req_v2: family, protocol, ext, pad, states; then a zeroed inet_diag_sockid.
        req = struct.pack("=BBBBI", socket.AF_INET, socket.IPPROTO_TCP, 0, 0, 1 << self.TCP_LISTEN) + bytes(48)
        head = struct.pack("=IHHII", 16 + len(req), self.SOCK_DIAG_BY_FAMILY, self.NLM_F_REQUEST | self.NLM_F_DUMP, self.seq, 0)
        try:
            self.sock.send(head + req)
            found = set()
            while True:
                data = self.sock.recv(1 << 16)
                offset = 0
                while offset + 16 <= len(data):
                    length, kind, _, seq, _ = struct.unpack_from("=IHHII", data, offset)
                    if kind == self.NLMSG_DONE and seq == self.seq:
                        return found
                    if kind == self.NLMSG_ERROR or length < 16:
                        return None
                    if seq == self.seq:
                        # struct inet_diag_msg: family, state, timer, retrans, then the sockid (sport, big-endian).
                        found.add(struct.unpack_from(">H", data, offset + 16 + 4)[0])
                    offset += (length + 3) & ~3
        except OSError:
            return None


def healthy(port):
    r = http(port, "/healthz")
    return r is not None and r[0] == 200


def readyz(port):
    r = http(port, "/readyz")
    if r is None:
        return None
    try:
        return json.loads(r[1])
    except ValueError:
        return None


def port_free(port):
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # TIME_WAIT is no obstacle to a listener
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def gateways_under(root):
    """{bot: pid} of live openclaw-sim processes whose OPENCLAW_STATE_DIR is under root."""
    out = {}
    prefix = root.rstrip("/") + "/bots/"
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/cmdline", "rb") as f:
                cmd = f.read()
            if b"openclaw-sim" not in cmd:
                continue
            with open(f"/proc/{d}/stat") as f:
                if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                    continue
            with open(f"/proc/{d}/environ", "rb") as f:
                env = dict(kv.split(b"=", 1) for kv in f.read().split(b"\0") if b"=" in kv)
        except OSError:
            continue
        state = env.get(b"OPENCLAW_STATE_DIR", b"").decode()
        if state.startswith(prefix):
            out[state[len(prefix):].split("/")[0]] = int(d)
    return out


def launch_spec(pid):
    with open(f"/proc/{pid}/cmdline", "rb") as f:
        argv = [a.decode() for a in f.read().split(b"\0") if a]
    with open(f"/proc/{pid}/environ", "rb") as f:
        env = dict(kv.decode().split("=", 1) for kv in f.read().split(b"\0") if b"=" in kv)
    return argv, env


def proc_rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def proc_cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime, stime


def thread_cpu_ns(pid):
    """CPU time of each live thread of `pid` (tid -> nanoseconds on a CPU, /proc/PID/task/*/schedstat)."""
    out = {}
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/schedstat") as f:
                out[task] = int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            pass  # the thread ended meanwhile
    return out


def manager_idle(pid, seconds):
    """The manager's RSS, and its CPU over `seconds` idle, in nanoseconds: /proc/PID/stat counts
    10 ms ticks, and over a 5 s window one tick reads as 0.20 % and whether a manager's few
    wake-ups land one is chance. Each thread's time since the window began is counted (a thread
    made meanwhile from zero); a thread that ends within the window takes its last moments with it
    (microseconds: an idle worker's exit), so the figure can only err low by that much."""
    before = thread_cpu_ns(pid)
    time.sleep(seconds)
    after = thread_cpu_ns(pid)
    ns = sum(v - before.get(tid, 0) for tid, v in after.items())
    return {"rss_mib": proc_rss_kib(pid) / 1024, "cpu_pct": 100.0 * max(0, ns) / 1e9 / seconds}


def state_has(root, key):
    try:
        with open(root + "/state.json") as f:
            return key in json.load(f)
    except (OSError, ValueError):
        return False


def sha256_file(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def write_atomically(path, text):
    tmp = path + ".edit"
    with open(tmp, "w") as f:
        f.write(text)
    os.chmod(tmp, os.stat(path).st_mode & 0o777)
    os.rename(tmp, path)


def ensure_supervisor():
    if shutil.which("supervisord") and shutil.which("supervisorctl"):
        return
    log("installing supervisor (apt-get install -y supervisor; the system service is not started)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive", RUNLEVEL="1")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    # policy-rc.d 101 keeps the package's service from starting.
    rc = "/usr/sbin/policy-rc.d"
    had_rc = os.path.exists(rc)
    if not had_rc and os.geteuid() == 0:
        with open(rc, "w") as f:
            f.write("#!/bin/sh\nexit 101\n")
        os.chmod(rc, 0o755)
    try:
        subprocess.run(sudo + ["apt-get", "install", "-y", "supervisor"], env=env, check=True,
                       stdout=subprocess.DEVNULL, timeout=600)
    finally:
        if not had_rc and os.path.exists(rc):
            os.remove(rc)


# --------------------------------------------------------------------------- the workload


class Fleet:
    """A generated fleet of n bots in a git repository."""

    def __init__(self, work, n, base_port, fleet_bin, env, gateway_env=None, tag=""):
        self.n, self.repo, self.env, self.fleet_bin = n, os.path.join(work, f"repo-{n}{tag}"), env, fleet_bin
        sh(sys.executable, os.path.join(HERE, "gen-fleet.py"), str(n), self.repo)
        path = os.path.join(self.repo, "fleet", "fleet.yaml")
        text = open(path).read().replace("basePort: 20000", f"basePort: {base_port}")
        if gateway_env:
            words = ", ".join(["env"] + [f"{k}={v}" for k, v in sorted(gateway_env.items())] + ["openclaw-sim", "gateway", "run"])
            text = re.sub(r"^  gatewayCommand: .*$", f"  gatewayCommand: [{words}]", text, flags=re.M)
            assert "gatewayCommand: [env" in text, "gen-fleet.py writes no gatewayCommand line"
        if "allowPlaintext" not in text:
            text = text.replace("spec:\n", "spec:\n  secrets: {allowPlaintext: true}\n", 1)
        open(path, "w").write(text)
        self.git("init", "-q", "-b", "main")
        self.commit("bench")

    def git(self, *args):
        sh("git", "-c", "user.name=bench", "-c", "user.email=bench@example.com", *args, cwd=self.repo)

    def commit(self, msg):
        self.git("add", "-A")
        self.git("commit", "-qm", msg)

    def bot_file(self, bot):
        return os.path.join(self.repo, "fleet", "bots", bot + ".yaml")

    def fleet(self, *args, check=True):
        r = subprocess.run([self.fleet_bin, *args], env=self.env, text=True, capture_output=True, timeout=300)
        if check and r.returncode != 0:
            raise RuntimeError(f"fleet {' '.join(args)} failed ({r.returncode}):\n{r.stdout}\n{r.stderr}")
        return r


def enabled_ports(fl, root):
    plan = json.loads(fl.fleet("plan", "--repo", fl.repo, "--state-root", root, "--json").stdout)
    return {a["bot"]: a["port"] for a in plan["actions"] if a["kind"] == "create"}


def wait_all_healthy(ports, timeout):
    """Polls every pending gateway's /healthz until all answer. Returns (ok, the poller's CPU seconds).

    The poller is the measuring instrument and must cost both managers alike and little. A scan
    asks the kernel once which ports listen (sock_diag netlink, as `ss -ltn` does) and sends
    /healthz only to the pending gateways among them: with a refused connect to every pending port
    at each scan it took 8.0 s of CPU during fleet's 179 s start of 200 realistic gateways and 5.4 s
    during supervisord's (2026-12-02 00:09), CPU the gateways' starts did not get. A scan of N refused
    connects is N syscall round trips; run back to back (5 ms apart, as before 2026-12-01 22:20)
    it took up to half a core in fleet's run, where few gateways compete for the CPU, and almost
    nothing in supervisord's, where 188 starting gateways starve it. So: a scan every 1 % of the
    time elapsed (5 ms at first, at most 50 ms: the figure is off by at most 1 %), at a fixed
    higher priority while it polls (nice -5, when allowed), so it is neither starved nor greedy
    in either run; its CPU time is reported with the result."""
    pending = dict(ports)
    listening = ListeningPorts()
    start = time.monotonic()
    end = start + timeout
    cpu0 = time.thread_time()
    try:
        old = os.getpriority(os.PRIO_PROCESS, 0)
        os.setpriority(os.PRIO_PROCESS, 0, -5)  # this thread only (Linux); reset below
    except OSError:
        old = None
    try:
        while pending and time.monotonic() < end:
            # Only the gateways listening now are asked for /healthz (one netlink request a scan).
            open_ports = listening.ports()
            for bot, port in list(pending.items()):
                if (open_ports is None or port in open_ports) and healthy(port):
                    del pending[bot]
            if pending:
                time.sleep(min(0.05, max(0.005, (time.monotonic() - start) / 100)))
    finally:
        if old is not None:
            os.setpriority(os.PRIO_PROCESS, 0, old)
    wait_all_healthy.cpu = time.thread_time() - cpu0
    return not pending


wait_all_healthy.cpu = 0.0


def telegram_bot(ports):
    # gen-fleet: bot i has telegram first when i % 5 == 0 (and only telegram when i % 3 != 0).
    for bot in sorted(ports):
        i = int(bot.split("-")[1])
        if i % 5 == 0:
            return bot
    return sorted(ports)[0]


def wait_live(port, config_path, needle, timeout):
    """Seconds-free wait until the gateway on port serves the config file holding needle."""
    def live():
        ready = readyz(port)
        if not ready or not ready.get("configHash"):
            return False
        try:
            text = open(config_path, "rb").read()
        except OSError:
            return False
        return needle.encode() in text and hashlib.sha256(text).hexdigest() == ready["configHash"]
    return wait_until(live, timeout, step=0.005) is not None


def kill_to_healthy(pids_of, ports, kills, gap, rnd, timeout=30.0):
    """SIGKILLs `kills` gateways, spread over the bots; returns (first-crash, repeat-crash) latencies."""
    bots = sorted(ports)
    order = []
    while len(order) < kills:
        batch = bots[:]
        rnd.shuffle(batch)
        if order and batch[0] == order[-1] and len(batch) > 1:
            batch[0], batch[1] = batch[1], batch[0]
        order += batch
    order = order[:kills]
    seen, first, repeat, failures = set(), [], [], 0
    for bot in order:
        before = pids_of().get(bot)
        if before is None:
            if not wait_until(lambda: pids_of().get(bot), 30):
                failures += 1
                continue
            before = pids_of()[bot]
        t0 = time.monotonic()
        os.kill(before, signal.SIGKILL)

        def back():
            r = readyz(ports[bot])
            return r is not None and r.get("pid") not in (None, before) and healthy(ports[bot])
        ok = wait_until(back, timeout, step=0.002)
        dt = time.monotonic() - t0 if ok else timeout
        failures += 0 if ok else 1
        (repeat if bot in seen else first).append(dt)
        seen.add(bot)
        time.sleep(gap)
    return first, repeat, failures


def stats(xs):
    if not xs:
        return {"n": 0, "median": float("nan"), "worst": float("nan")}
    return {"n": len(xs), "median": statistics.median(xs), "worst": max(xs)}


def start_timeout(n, args, realistic):
    """A bound on start-to-all-healthy (never a measure): every start's CPU on one core."""
    return 60 + n * (0.5 + (args.cpu_ms / 1000.0 if realistic else 0))


def model_changes(count, edit, wait_live_for):
    """`count` model changes: edit(new) applies one and returns (config path, port); returns times."""
    times = []
    for i in range(count):
        t0 = time.monotonic()
        model, cfg, port = edit(i)
        ok = wait_live(port, cfg, model, 30)
        times.append(time.monotonic() - t0 if ok else float("nan"))
        time.sleep(1)
    return times


def run_fleet(fl, work, args, rnd, realistic=False, tag=""):
    n = fl.n
    root = os.path.join(work, f"fleet-root-{n}{tag}")
    ports = enabled_ports(fl, root)
    res = {"enabled": len(ports)}
    log(f"N={n}: fleet daemon, {len(ports)} enabled bots")
    dlog = open(os.path.join(work, f"daemon-{n}.log"), "w")
    t0 = time.monotonic()
    # BENCH_DAEMON_DEBUG=1: the daemon logs each round's steps (`round finished`, *_ms fields).
    debug = ["--log-level", "debug"] if os.environ.get("BENCH_DAEMON_DEBUG") else []
    daemon = subprocess.Popen([fl.fleet_bin, "daemon", "--repo", fl.repo, "--state-root", root, "--interval", "30s"] + debug,
                              env=fl.env, stdout=dlog, stderr=subprocess.STDOUT)
    started.append(daemon)
    try:
        if not wait_all_healthy(ports, start_timeout(n, args, realistic)):
            raise RuntimeError(f"fleet: not every gateway healthy in time; see {dlog.name}")
        res["start"] = time.monotonic() - t0
        res["start_poller_cpu"] = wait_all_healthy.cpu
        res["start_manager_cpu"] = proc_cpu_ticks(daemon.pid) / CLK  # the daemon's CPU seconds so far
        # Settle: the first round finishes and records its state (the daemon writes how long its
        # round took at its end), so the idle window below does not time the round's tail.
        wait_until(lambda: len(gateways_under(root)) == len(ports) and state_has(root, "lastReconcileSeconds"), 30)
        time.sleep(1)
        snapshot = os.path.join(work, f"rendered-{n}{tag}")
        shutil.copytree(os.path.join(root, "bots"), snapshot, symlinks=True)
        specs = {bot: launch_spec(pid) for bot, pid in gateways_under(root).items()}
        log(f"N={n}: fleet all healthy in {res['start']:.2f} s; idle manager for {args.idle_seconds} s")
        res["idle"] = manager_idle(daemon.pid, args.idle_seconds)
        res["idle_seconds"] = args.idle_seconds

        # (b) model changes of one bot: edit, commit, SIGHUP.
        bot = telegram_bot(ports)
        path = fl.bot_file(bot)
        pids = gateways_under(root)

        def edit(i):
            text = open(path).read()
            old = re.search(r"^  model: (\S+)$", text, re.M).group(1)
            new = [m for m in MODELS if m != old][i % (len(MODELS) - 1)]
            open(path, "w").write(text.replace(f"  model: {old}\n", f"  model: {new}\n"))
            fl.commit("model change")
            os.kill(daemon.pid, signal.SIGHUP)
            return new, os.path.join(root, "bots", bot, "config.json5"), ports[bot]
        res["reload_all"] = model_changes(args.changes, edit, wait_live)
        res["reload"] = statistics.median(res["reload_all"])
        after = gateways_under(root)
        res["reload_restarted"] = sum(1 for b in pids if after.get(b) != pids[b])

        # (b2) port change of the same bot (restart class).
        new_port = max(ports.values()) + 200
        text = open(path).read()
        pids = gateways_under(root)
        t0 = time.monotonic()
        open(path, "w").write(text.replace("gateway: {port: auto,", f"gateway: {{port: {new_port},"))
        fl.commit("port change")
        os.kill(daemon.pid, signal.SIGHUP)
        ok = wait_until(lambda: healthy(new_port) and (readyz(new_port) or {}).get("pid") != pids.get(bot), 30)
        res["restart"] = time.monotonic() - t0 if ok else float("nan")
        time.sleep(1)
        after = gateways_under(root)
        res["restart_restarted"] = sum(1 for b in pids if after.get(b) != pids[b])
        kill_ports = dict(ports, **{bot: new_port})

        # (c) kills.
        kills = args.kills_at_50 if n == 50 else args.kills
        log(f"N={n}: fleet, {kills} kills")
        first, repeat, failures = kill_to_healthy(lambda: gateways_under(root), kill_ports, kills, args.fleet_gap, rnd)
        res["kill_first"], res["kill_repeat"], res["kill_failures"] = stats(first), stats(repeat), failures
        res["kill_all"] = stats(first + repeat)
    finally:
        daemon.send_signal(signal.SIGTERM)
        try:
            daemon.wait(timeout=30)
        except subprocess.TimeoutExpired:
            daemon.kill()
            daemon.wait()
        dlog.close()
        fl.fleet("destroy", "--repo", fl.repo, "--state-root", root, check=False)
        sweep(root)
    return res, specs, snapshot, root


def supervisor_conf(work, n, specs, fleet_root, sup_root):
    sock = os.path.join(tempfile.gettempdir(), f"fleet-bench-sup-{os.getpid()}-{n}.sock")
    lines = [
        "[unix_http_server]", f"file={sock}", "chmod=0700", "",
        "[supervisord]", f"logfile={work}/supervisord-{n}.log", f"pidfile={work}/supervisord-{n}.pid",
        f"childlogdir={work}", "nodaemon=true", "loglevel=info", "",
        "[rpcinterface:supervisor]", "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface", "",
        "[supervisorctl]", f"serverurl=unix://{sock}", "",
    ]
    for bot in sorted(specs):
        argv, env = specs[bot]
        move = lambda s: s.replace(fleet_root, sup_root)
        quoted = ",".join(f'{k}="{move(v).replace(chr(34), "").replace("%", "%%")}"' for k, v in sorted(env.items()))
        lines += [f"[program:{bot}]", "command=" + " ".join(move(a).replace("%", "%%") for a in argv),
                  f"environment={quoted}", f"directory={sup_root}/bots/{bot}/state",
                  "autostart=true", "autorestart=true", "startsecs=1", "startretries=3", "stopsignal=TERM",
                  "stopwaitsecs=5", "redirect_stderr=true",
                  f"stdout_logfile={sup_root}/bots/{bot}/logs/console.log", "stdout_logfile_maxbytes=0", ""]
    return "\n".join(lines), sock


def run_supervisord(fl, work, args, rnd, specs, snapshot, fleet_root, ports_in, realistic=False, tag=""):
    n = fl.n
    sup_root = os.path.join(work, f"sup-root-{n}{tag}")
    os.makedirs(sup_root)
    shutil.copytree(snapshot, os.path.join(sup_root, "bots"), symlinks=True)
    for bot in specs:  # move paths inside the copied config files too
        for dirpath, _, files in os.walk(os.path.join(sup_root, "bots", bot)):
            for name in files:
                p = os.path.join(dirpath, name)
                if name.endswith(".json5"):
                    t = open(p).read()
                    if fleet_root in t:
                        write_atomically(p, t.replace(fleet_root, sup_root))
        os.makedirs(os.path.join(sup_root, "bots", bot, "logs"), exist_ok=True)
    ports = {bot: int(specs[bot][1]["OPENCLAW_GATEWAY_PORT"]) for bot in specs}
    assert set(ports) == set(ports_in), "fleet and supervisord manage different bots"
    conf, sock = supervisor_conf(work, f"{n}{tag}", specs, fleet_root, sup_root)
    conf_path = os.path.join(work, f"supervisord-{n}{tag}.conf")
    open(conf_path, "w").write(conf)
    if not wait_until(lambda: all(port_free(p) for p in ports.values()), 30, step=0.1):
        raise RuntimeError("ports still taken after fleet destroy")
    res = {"enabled": len(ports)}
    ctl = lambda *a: subprocess.run(["supervisorctl", "-c", conf_path, *a], text=True, capture_output=True, timeout=120)
    log(f"N={n}: supervisord, {len(ports)} programs")
    env = {"PATH": os.environ["PATH"], "LANG": "C.UTF-8"}
    t0 = time.monotonic()
    sup = subprocess.Popen(["supervisord", "-c", conf_path, "-n"], env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, cwd=work)
    started.append(sup)
    try:
        if not wait_all_healthy(ports, start_timeout(n, args, realistic)):
            raise RuntimeError(f"supervisord: not every gateway healthy in time; see {work}/supervisord-{n}{tag}.log")
        res["start"] = time.monotonic() - t0
        res["start_poller_cpu"] = wait_all_healthy.cpu
        res["start_manager_cpu"] = proc_cpu_ticks(sup.pid) / CLK  # supervisord's CPU seconds so far
        wait_until(lambda: len(gateways_under(sup_root)) == len(ports), 30)
        time.sleep(1)
        log(f"N={n}: supervisord all healthy in {res['start']:.2f} s; idle manager for {args.idle_seconds} s")
        res["idle"] = manager_idle(sup.pid, args.idle_seconds)

        # (b) the operator edits the bot's config file (model), then reread + update.
        bot = telegram_bot(ports)
        cfg = os.path.join(sup_root, "bots", bot, "config.json5")
        pids = gateways_under(sup_root)

        def edit(i):
            text = open(cfg).read()
            old = next(m for m in MODELS if f'"{m}"' in text)
            new = [m for m in MODELS if m != old][i % (len(MODELS) - 1)]
            write_atomically(cfg, text.replace(f'"{old}"', f'"{new}"'))
            ctl("reread")
            ctl("update")
            return new, cfg, ports[bot]
        res["reload_all"] = model_changes(args.changes, edit, wait_live)
        res["reload"] = statistics.median(res["reload_all"])
        after = gateways_under(sup_root)
        res["reload_restarted"] = sum(1 for b in pids if after.get(b) != pids[b])

        # (b2) port change: config file and the program's command line and environment.
        new_port = max(ports.values()) + 200
        old_port = ports[bot]
        pids = gateways_under(sup_root)
        t0 = time.monotonic()
        text = open(cfg).read()
        write_atomically(cfg, re.sub(rf"\b{old_port}\b", str(new_port), text))
        section = re.compile(rf"(\[program:{re.escape(bot)}\]\n(?:[^\[].*\n)*)")
        conf = open(conf_path).read()
        block = section.search(conf).group(1)
        conf = conf.replace(block, re.sub(rf"\b{old_port}\b", str(new_port), block))
        write_atomically(conf_path, conf)
        ctl("reread")
        ctl("update")
        ok = wait_until(lambda: healthy(new_port) and (readyz(new_port) or {}).get("pid") != pids.get(bot), 30)
        res["restart"] = time.monotonic() - t0 if ok else float("nan")
        time.sleep(1)
        after = gateways_under(sup_root)
        res["restart_restarted"] = sum(1 for b in pids if after.get(b) != pids[b])
        kill_ports = dict(ports, **{bot: new_port})

        kills = args.kills_at_50 if n == 50 else args.kills
        log(f"N={n}: supervisord, {kills} kills")
        first, repeat, failures = kill_to_healthy(lambda: gateways_under(sup_root), kill_ports, kills, args.sup_gap, rnd)
        res["kill_first"], res["kill_repeat"], res["kill_failures"] = stats(first), stats(repeat), failures
        res["kill_all"] = stats(first + repeat)
    finally:
        sup.send_signal(signal.SIGTERM)
        try:
            sup.wait(timeout=60)
        except subprocess.TimeoutExpired:
            sup.kill()
            sup.wait()
        sweep(sup_root)
        try:
            os.remove(sock)
        except OSError:
            pass
    return res


def sweep(root):
    for pid in gateways_under(root).values():
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def cpu_idle_fraction(seconds):
    """The share of all cores idle over `seconds` (/proc/stat)."""
    def read():
        fields = [int(x) for x in open("/proc/stat").readline().split()[1:]]
        return fields[3] + fields[4], sum(fields)  # idle + iowait, total
    idle0, total0 = read()
    time.sleep(seconds)
    idle1, total1 = read()
    return (idle1 - idle0) / max(1, total1 - total0)


def wait_idle(timeout=120.0):
    """Waits until the cores are at least 90 % idle over half a second: the gateways of the last
    comparison run exit and their files are freed before fleet alone is timed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cpu_idle_fraction(0.5) >= 0.9:
            return True
    return False


def plan_validate(work, fleet_bin, env, sizes, runs_for):
    out = []
    if not wait_idle():
        log("the machine did not go idle in 120 s; timing fleet alone anyway")
    for n in sizes:
        repo = os.path.join(work, f"pv-{n}")
        sh(sys.executable, os.path.join(HERE, "gen-fleet.py"), str(n), repo)
        path = os.path.join(repo, "fleet", "fleet.yaml")
        text = open(path).read()
        # More bots than one host has ports for (stride 20 from 20000: about 2,270): shard the
        # fleet over gen-fleet's three host labels, as an operator must, and plan one host.
        sharded = n * 20 + 20000 > 65535 - 108
        hosts = "".join(f"    - {{name: edge-{h}, selector: host=edge-{h}}}\n" for h in (1, 2, 3))
        if "allowPlaintext" not in text:
            text = text.replace("spec:\n", "spec:\n  secrets: {allowPlaintext: true}\n", 1)
        text = text.replace("spec:\n", "spec:\n" + (f"  hosts:\n{hosts}" if sharded else ""), 1)
        open(path, "w").write(text)
        for cmd in (["git", "init", "-q", "-b", "main"], ["git", "add", "-A"],
                    ["git", "-c", "user.name=b", "-c", "user.email=b@example.com", "commit", "-qm", "pv"]):
            sh(*cmd, cwd=repo)
        root = os.path.join(work, f"pv-root-{n}")
        res = {"n": n, "sharded": sharded}
        for name, cmd in (("validate", [fleet_bin, "validate", "--repo", repo]),
                          ("plan", [fleet_bin, "plan", "--repo", repo, "--state-root", root]
                           + (["--selector", "host=edge-1"] if sharded else []))):
            times = []
            for i in range(runs_for(n) + 1):
                t0 = time.perf_counter()
                r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
                dt = (time.perf_counter() - t0) * 1000
                if r.returncode != 0:
                    raise RuntimeError(f"{' '.join(cmd)} failed ({r.returncode}):\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}")
                if i:  # the first run warms the page cache
                    times.append(dt)
            res[name] = statistics.median(times)
            res[name + "_range"] = (min(times), max(times))
        log(f"fleet alone, {n} bots: validate {res['validate']:.1f} ms, plan {res['plan']:.1f} ms")
        out.append(res)
        shutil.rmtree(repo, ignore_errors=True)
    return out


def ratio(a, b):
    if not b or a != a or b != b:
        return "-"
    # Two decimals, or three where two would hide which is ahead (1.004 is behind, not level).
    r = a / b
    return f"{r:.3f}x" if a != b and f"{r:.2f}" == "1.00" else f"{r:.2f}x"


def table(results, pv, machine):
    rows = ["| gateway start | N | measure | fleet | supervisord | fleet / supervisord |", "|---|---|---|---|---|---|"]
    behind = []  # every measure is lower-is-better: behind is more than supervisord, unrounded
    for (start, n), (f, s) in results.items():
        def row(label, fv, sv, fmt):
            rows.append(f"| {start} | {n} | {label} | {fmt(fv)} | {fmt(sv)} | {ratio(fv, sv)} |")
            if fv == fv and sv == sv and fv > sv:
                behind.append(rows[-1])
        sec = lambda x: "-" if x != x else f"{x:.2f} s"
        ms = lambda x: "-" if x != x else f"{x * 1000:.0f} ms"
        row(f"(a) start to all {f['enabled']} healthy", f["start"], s["start"], sec)
        row(f"(b) model change live, median of {len(f['reload_all'])} (edit to new configHash)", f["reload"], s["reload"], ms)
        rows.append(f"| {start} | {n} | (b) gateways restarted by them | {f['reload_restarted']} | {s['reload_restarted']} | |")
        row("(b) port change live (restart class)", f["restart"], s["restart"], ms)
        rows.append(f"| {start} | {n} | (b) gateways restarted by it | {f['restart_restarted']} | {s['restart_restarted']} | |")
        fk, sk = f["kill_all"], s["kill_all"]
        row(f"(c) kill-to-healthy median, all {fk['n']} kills", fk["median"], sk["median"], ms)
        row("(c) kill-to-healthy worst", fk["worst"], sk["worst"], ms)
        row(f"(c) median, first crash of a bot ({f['kill_first']['n']})", f["kill_first"]["median"], s["kill_first"]["median"], ms)
        if f["kill_repeat"]["n"]:
            row(f"(c) median, repeat crash of a bot ({f['kill_repeat']['n']})", f["kill_repeat"]["median"], s["kill_repeat"]["median"], ms)
        if f["kill_failures"] or s["kill_failures"]:
            rows.append(f"| {start} | {n} | (c) kills not healthy within 30 s | {f['kill_failures']} | {s['kill_failures']} | |")
        row("(d) manager RSS", f["idle"]["rss_mib"], s["idle"]["rss_mib"], lambda x: f"{x:.1f} MiB")
        row(f"(d) manager idle CPU ({f['idle_seconds']:.0f} s)", f["idle"]["cpu_pct"], s["idle"]["cpu_pct"], lambda x: f"{x:.3f} %")
    out = "\n".join(rows)
    out += "\n\nRows where fleet is behind (more than supervisord, before rounding): " + (str(len(behind)) if behind else "none") + "\n"
    out += "".join(r + "\n" for r in behind)
    if pv:
        out += "\n\nfleet alone (median, first run discarded):\n\n| bots | validate | plan (nothing running) |\n|---|---|---|\n"
        base = pv[0]
        for r in pv:
            shard = " (host edge-1 of 3: a third of the bots)" if r.get("sharded") else ""
            out += (f"| {r['n']} | {r['validate']:.1f} ms ({ratio(r['validate'], base['validate'])} of {base['n']}) "
                    f"| {r['plan']:.1f} ms ({ratio(r['plan'], base['plan'])} of {base['n']}){shard} |\n")
    return f"{machine}\n\n{out}"


def install_build_flags():
    """The flags `make install` builds with (scripts/install-build-flags.sh), its build path absolute."""
    out = subprocess.run(["sh", os.path.join(PKG, "scripts", "install-build-flags.sh")], check=True,
                         capture_output=True, text=True).stdout.split()
    return [os.path.join(PKG, f) if prev == "--build-path" else f for prev, f in zip([""] + out, out)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10,50,200", help="fleet sizes for the comparison (comma-separated)")
    ap.add_argument("--starts", default="instant,realistic",
                    help="gateway start-ups to compare: instant (the stand-in as it is), realistic (--cpu-ms, --ready-ms)")
    ap.add_argument("--cpu-ms", type=int, default=1800, help="realistic start: CPU time before listening (OPENCLAW_SIM_STARTUP_CPU_MS)")
    ap.add_argument("--ready-ms", type=int, default=250, help="realistic start: listening to ready (OPENCLAW_SIM_STARTUP_DELAY_MS)")
    ap.add_argument("--changes", type=int, default=5, help="model changes per manager and size (the median is reported)")
    ap.add_argument("--kills", type=int, default=20, help="SIGKILLs per size")
    ap.add_argument("--kills-at-50", type=int, default=50, help="SIGKILLs at N=50")
    ap.add_argument("--idle-seconds", type=float, default=10.0)
    ap.add_argument("--plan-sizes", default="10,100,1000,5000")
    ap.add_argument("--fleet-gap", type=float, default=3.1,
                    help="seconds between kills under fleet (its host-wide budget is 20 restarts a minute)")
    ap.add_argument("--sup-gap", type=float, default=1.1, help="seconds between kills under supervisord")
    ap.add_argument("--quick", action="store_true", help="a small run: N=5, 6 kills, plan/validate at 10 and 100")
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--dynamic", action="store_true",
                    help="measure the plain release build (shared Swift runtime) instead of make install's")
    ap.add_argument("--json", help="also write the raw results to this file")
    ap.add_argument("--seed", type=int, default=9)
    args = ap.parse_args()
    if args.quick:
        args.sizes, args.kills, args.kills_at_50, args.plan_sizes, args.idle_seconds, args.changes = "5", 6, 6, "10,100", 3.0, 3
    sizes = [int(x) for x in args.sizes.split(",") if x]
    starts = [x for x in args.starts.split(",") if x]
    if any(x not in ("instant", "realistic") for x in starts):
        ap.error("--starts takes instant, realistic or both")
    plan_sizes = [int(x) for x in args.plan_sizes.split(",") if x]
    ensure_supervisor()
    # The binary `make install` builds (the Swift runtime linked in), unless --dynamic.
    build = ["swift", "build", "--package-path", PKG] + (["-c", "release"] if args.dynamic else install_build_flags())
    if not args.no_build:
        log(f"building fleet and openclaw-sim ({' '.join(build)})")
        subprocess.run(build + ["--product", "fleet"], check=True, stdout=subprocess.DEVNULL)
        subprocess.run(build + ["--product", "openclaw-sim"], check=True, stdout=subprocess.DEVNULL)
    bindir = sh(*build, "--show-bin-path").stdout.strip()
    fleet_bin = os.path.join(bindir, "fleet")
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENCLAW_")}
    env.update(PATH=bindir + ":" + os.environ["PATH"], NO_COLOR="1")
    rnd = random.Random(args.seed)
    work = tempfile.mkdtemp(prefix="fleet-vs-supervisord.")
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    load = open("/proc/loadavg").read().split()[:3]
    machine = (f"machine: {os.cpu_count()} cores, {cpu}; load average at start {' '.join(load)}; "
               f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
               f"fleet: {'release, shared Swift runtime' if args.dynamic else 'the make install build (' + ' '.join(install_build_flags()[:3]) + ('' if len(install_build_flags()) < 6 else ', lld, packed relocations') + ')'}; "
               f"{sh('supervisord', '--version').stdout.strip() and 'supervisord ' + sh('supervisord', '--version').stdout.strip()}; "
               f"realistic start: OPENCLAW_SIM_STARTUP_CPU_MS={args.cpu_ms} OPENCLAW_SIM_STARTUP_DELAY_MS={args.ready_ms}; "
               f"command: {' '.join(['Benchmarks/compare-supervisord.py'] + sys.argv[1:])}")
    # Each gateway's config watch holds an inotify instance (one per Node process), and a user has
    # fs.inotify.max_user_instances (128 by default): past it, a gateway never reloads its config
    # (OpenClaw: "config watcher error", the watcher closed; the stand-in does the same). fleet
    # warns of it with the fix; an operator of 200 gateways applies it, and so does the comparison
    # (as root, restored at the end), for both managers alike.
    inotify_path = "/proc/sys/fs/inotify/max_user_instances"
    inotify_before = int(open(inotify_path).read())
    inotify_wanted = max(sizes, default=0) + 64
    if inotify_before < inotify_wanted:
        try:
            with open(inotify_path, "w") as f:
                f.write(str(max(1024, inotify_wanted)))
            log(f"fs.inotify.max_user_instances {inotify_before} -> {max(1024, inotify_wanted)} for the run (fleet's warning and fix)")
        except OSError as e:
            log(f"warning: fs.inotify.max_user_instances is {inotify_before} and cannot be raised ({e}): "
                "gateways past it never reload their config, under either manager")
    machine += f"; fs.inotify.max_user_instances {int(open(inotify_path).read())}"
    results, pv = {}, []
    try:
        for start in starts:
            realistic = start == "realistic"
            gateway_env = {"OPENCLAW_SIM_STARTUP_CPU_MS": str(args.cpu_ms),
                           "OPENCLAW_SIM_STARTUP_DELAY_MS": str(args.ready_ms)} if realistic else None
            for i, n in enumerate(sizes):
                # Gateway ports stay below the ephemeral range (32768-60999 here): an outgoing
                # connection (a probe's client side) can take a port there, and a gateway then
                # cannot bind it (a first run placed N=200 at 42000 and lost a bot to that).
                tag = f"-{start}"
                fl = Fleet(work, n, 20000 + i * 4200, fleet_bin, env, gateway_env, tag)
                f, specs, snapshot, fleet_root = run_fleet(fl, work, args, rnd, realistic, tag)
                s = run_supervisord(fl, work, args, rnd, specs, snapshot, fleet_root, set(specs), realistic, tag)
                results[(start, n)] = (f, s)
                print(table({(start, n): (f, s)}, [], f"partial, {start} start, N={n}"), file=sys.stderr, flush=True)
                if args.json:
                    with open(args.json, "w") as out:
                        json.dump({"machine": machine, "results": {f"{k[0]}/{k[1]}": v for k, v in results.items()}},
                                  out, indent=2, default=str)
        pv = plan_validate(work, fleet_bin, env, plan_sizes, lambda n: 10 if n <= 1000 else 5) if plan_sizes else []
    finally:
        for p in started:
            if p.poll() is None:
                p.kill()
                p.wait()
        for d in os.listdir(work):
            if "root" in d:
                sweep(os.path.join(work, d))
        if os.environ.get("KEEP_BENCH_DIR"):
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
        if int(open(inotify_path).read()) != inotify_before:
            with open(inotify_path, "w") as f:
                f.write(str(inotify_before))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": machine, "results": {f"{k[0]}/{k[1]}": v for k, v in results.items()}, "plan_validate": pv}, f,
                      indent=2, default=str)
    machine += f"; load average at the end {' '.join(open('/proc/loadavg').read().split()[:3])}"
    print(table(results, pv, machine))


if __name__ == "__main__":
    main()
