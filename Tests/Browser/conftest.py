"""A real fleet for the browser tests: the demo manifests in a fresh git repository, their
gateways (openclaw-sim) applied on leased loopback ports, demo users, and `fleet serve`.

Everything runs as real processes and is stopped at the end (the console with SIGTERM, whose
graceful exit is checked; the gateways with `fleet destroy`)."""

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request

import pytest

from ports import PortLease

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("FLEET_BIN", os.path.join(REPO, ".build", "debug"))
CHROMIUM = os.environ.get("FLEET_CHROMIUM", "/usr/bin/chromium")
USERS = {"admin": "admin-password", "operator": "operator-password", "viewer": "viewer-password", "care": "care-password",
         "careadmin": "careadmin-password"}


def run(args, env, input=None, check=True):
    result = subprocess.run(args, env=env, input=input, capture_output=True, text=True, timeout=300)
    if check and result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


def wait_until(condition, timeout=60, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise TimeoutError(f"timed out waiting for {what}")


class World:
    """The demo fleet applied on leased ports with `fleet serve` in front of it.

    With `editable`, the manifests live in a bare repository (what the console commits to and
    pushes to, as a shared remote would), the Fleet manifest gives the console's admins their
    names and e-mail addresses, and `fleet daemon` follows the repository (so a commit made in the
    browser is applied like any other)."""

    def __init__(self, editable=False):
        for tool in ("fleet", "fleet-console", "openclaw-sim"):
            if not os.access(os.path.join(BIN, tool), os.X_OK):
                raise RuntimeError(f"{BIN}/{tool} is missing: run swift build first")
        self.ports = PortLease()
        self.dir = tempfile.mkdtemp(prefix="fleet-browser-")
        self.repo = os.path.join(self.dir, "repo")
        self.root = os.path.join(self.dir, "state")
        shutil.copytree(os.path.join(REPO, "fleet"), os.path.join(self.repo, "fleet"))
        fleet_yaml = os.path.join(self.repo, "fleet", "fleet.yaml")
        with open(fleet_yaml) as f:
            text = f.read()
        text = text.replace("basePort: 18789", f"basePort: {self.ports.base}")
        traffic = os.environ.get("OPENCLAW_SIM_TRAFFIC_PER_MIN")
        if traffic:
            # Simulated chat traffic for the screenshots (fleet gives gateways a clean environment).
            text = text.replace("gatewayCommand: [openclaw-sim,", f"gatewayCommand: [env, OPENCLAW_SIM_TRAFFIC_PER_MIN={int(traffic)}, openclaw-sim,")
        if editable:
            text = text.replace("- {user: admin, role: admin}",
                                '- {user: admin, role: admin, name: "Ada Admin", email: ada@example.com}\n'
                                "    - {user: careadmin, role: admin, bots: team=customer-care}")
        with open(fleet_yaml, "w") as f:
            f.write(text)
        self.key = os.path.join(self.dir, "demo.key")
        shutil.copy(os.path.join(REPO, "examples", "demo.key"), self.key)
        os.chmod(self.key, 0o600)
        self.env = dict(os.environ, PATH=BIN + ":" + os.environ.get("PATH", ""), FLEET_KEY_FILE=self.key,
                        HOME=self.dir, GIT_AUTHOR_NAME="Ada", GIT_AUTHOR_EMAIL="ada@example.com",
                        GIT_COMMITTER_NAME="Ada", GIT_COMMITTER_EMAIL="ada@example.com")
        self.env.pop("OPENCLAW_BASE_PATH", None)
        self.env.pop("OPENCLAW_BASE_PORT", None)
        run(["git", "init", "-q", "-b", "main", self.repo], self.env)
        run(["git", "-C", self.repo, "add", "-A"], self.env)
        run(["git", "-C", self.repo, "commit", "-q", "-m", "the demo fleet"], self.env)
        self.daemon = None
        if editable:
            # The console and the daemon use the bare repository, never the working copy.
            self.checkout = self.repo
            self.repo = os.path.join(self.dir, "origin.git")
            run(["git", "clone", "-q", "--bare", self.checkout, self.repo], self.env)
        self.fleet(["apply", "--state-root", self.root])
        for user, password in USERS.items():
            self.fleet(["users", "set", user, "--password-stdin", "--state-root", self.root], input=password + "\n")
        if editable:
            self.daemon_log = open(os.path.join(self.dir, "daemon.log"), "w")
            self.daemon = subprocess.Popen(
                [os.path.join(BIN, "fleet"), "daemon", "--repo", self.repo, "--state-root", self.root, "--interval", "30s"],
                env=self.env, stdout=self.daemon_log, stderr=subprocess.STDOUT, cwd=self.dir)
            wait_until(lambda: os.path.exists(os.path.join(self.root, "daemon.pid")), what="fleet daemon's pid file")
        self.port = self.ports.base + 250
        self.url = f"http://127.0.0.1:{self.port}"
        self.console_log = open(os.path.join(self.dir, "console.log"), "w")
        self.console = subprocess.Popen(
            [os.path.join(BIN, "fleet"), "serve", "--repo", self.repo, "--state-root", self.root,
             "--listen", f"127.0.0.1:{self.port}", "--refresh", "2"],
            env=self.env, stdout=self.console_log, stderr=subprocess.STDOUT, cwd=self.repo)
        wait_until(self._healthy, what="fleet serve to answer /healthz")

    def fleet(self, args, input=None, check=True):
        return run([os.path.join(BIN, "fleet")] + args + ["--repo", self.repo], self.env, input=input, check=check)

    def _healthy(self):
        if self.console.poll() is not None:
            raise RuntimeError("fleet serve exited: " + open(self.console_log.name).read())
        try:
            with urllib.request.urlopen(self.url + "/healthz", timeout=1) as r:
                return r.status == 200
        except OSError:
            return False

    def state(self):
        with open(os.path.join(self.root, "state.json")) as f:
            return json.load(f)

    def journal(self):
        with open(os.path.join(self.root, "journal.jsonl")) as f:
            return [json.loads(line) for line in f if line.strip()]

    def log_file(self, bot):
        return os.path.join(self.root, "bots", bot, "logs", "openclaw.log")

    def close(self):
        try:
            if self.console.poll() is None:
                self.console.send_signal(signal.SIGTERM)
                self.console.wait(timeout=30)
            self.exit_code = self.console.returncode
            if self.daemon is not None and self.daemon.poll() is None:
                self.daemon.send_signal(signal.SIGTERM)
                self.daemon.wait(timeout=60)
        finally:
            if self.daemon is not None and self.daemon.poll() is None:
                self.daemon.kill()
            if self.console.poll() is None:
                self.console.kill()
            self.fleet(["destroy", "--state-root", self.root], check=False)
            self.console_log.close()
            self.ports.release()
            shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="session")
def world():
    w = World()
    yield w
    w.close()
    assert w.exit_code == 0, "fleet serve did not exit cleanly on SIGTERM"


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        args = ["--no-sandbox"] if os.geteuid() == 0 else []
        b = p.chromium.launch(executable_path=CHROMIUM, args=args)
        yield b
        b.close()


def make_login(browser, world):
    """login(user) -> a page logged in as that user, on the dashboard; close() ends them."""
    contexts = []

    def make(user):
        context = browser.new_context(base_url=world.url, viewport={"width": 1280, "height": 800})
        context.set_default_timeout(30_000)
        contexts.append(context)
        page = context.new_page()
        page.goto("/")
        page.fill("#user", user)
        page.fill("#password", USERS[user])
        page.click("form.login button[type=submit]")
        page.wait_for_url(world.url + "/")
        return page

    def close():
        for c in contexts:
            c.close()

    return make, close


@pytest.fixture
def login(browser, world):
    """login(user) -> a page logged in as that user, on the dashboard."""
    make, close = make_login(browser, world)
    yield make
    close()
