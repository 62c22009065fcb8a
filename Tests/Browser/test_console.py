"""The web console in a real headless browser (Debian's chromium, driven by Playwright).

Waits are conditions (Playwright's expect with generous timeouts), never sleeps."""

import datetime
import json
import os
import signal

from playwright.sync_api import expect

DEMO_BOTS = ["community", "ops", "support"]
LONG = 30_000


def row(page, bot):
    return page.locator(f'tr[data-bot="{bot}"]')


def test_login_and_the_dashboard_lists_every_demo_bot_with_its_phase(login):
    page = login("operator")
    expect(page.get_by_text("Signed in as")).to_be_visible()
    for bot in DEMO_BOTS:
        expect(row(page, bot)).to_be_visible()
        expect(row(page, bot)).to_contain_text("Running", timeout=LONG)
    expect(page.locator("#summary")).to_contain_text("3 bots")


def test_a_killed_gateway_shows_not_running_then_running_again_without_a_reload(login, world):
    dashboard = login("operator")
    expect(row(dashboard, "support")).to_have_attribute("data-phase", "Running", timeout=LONG)
    dashboard.evaluate("window.__notReloaded = true")
    pid = world.state()["bots"]["support"]["pid"]
    os.kill(pid, signal.SIGKILL)
    expect(row(dashboard, "support")).to_have_attribute("data-phase", "Failed", timeout=LONG)
    expect(row(dashboard, "support")).to_contain_text("gateway process is not running")
    # An operator restarts it from the bot page, in another tab.
    other = dashboard.context.new_page()
    other.goto("/bots/support")
    other.get_by_role("link", name="Restart…").click()
    expect(other.get_by_role("heading", name="Restart support?")).to_be_visible()
    other.get_by_role("button", name="Restart support").click()
    expect(other.get_by_text("The gateway was restarted.")).to_be_visible(timeout=LONG)
    # The first tab follows over SSE.
    expect(row(dashboard, "support")).to_have_attribute("data-phase", "Running", timeout=LONG)
    expect(row(dashboard, "support")).to_contain_text("Running")
    assert dashboard.evaluate("window.__notReloaded") is True
    restarts = [e for e in world.journal() if e["bot"] == "support" and e["action"] in ("restart", "start")]
    assert restarts and restarts[-1].get("user") == "operator", restarts


def test_a_log_line_written_after_the_page_opened_appears_in_the_logs_tab(login, world):
    page = login("viewer")
    page.goto("/bots/support/logs")
    expect(page.locator("#log")).to_have_attribute("data-following", "yes", timeout=LONG)
    now = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    line = {"0": "[browser-test] a line written after the page opened", "time": now,
            "_meta": {"date": now, "logLevelName": "WARN", "name": "openclaw"}}
    with open(world.log_file("support"), "a") as f:
        f.write(json.dumps(line) + "\n")
    expect(page.locator("#log")).to_contain_text("a line written after the page opened", timeout=LONG)


def test_a_viewers_restart_is_refused_with_a_page_that_says_why(login):
    page = login("viewer")
    page.goto("/bots/support")
    expect(page.get_by_role("link", name="Restart…")).to_have_count(0)
    token = page.locator('input[name="csrf"]').first.get_attribute("value")
    response = page.request.post("/bots/support/restart", form={"csrf": token, "confirm": "yes"})
    assert response.status == 403
    assert "viewer may not restart bots: it needs the operator role" in response.text()
    page.goto("/bots/support/restart")
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()


def test_a_user_of_team_customer_care_sees_only_those_bots(login):
    page = login("care")
    expect(row(page, "support")).to_be_visible()
    expect(page.locator("tr[data-bot]")).to_have_count(1)
    assert page.goto("/bots/ops").status == 404
    assert page.request.get("/bots/ops/logs/download").status == 404


def test_a_post_without_the_csrf_token_is_refused(login, world):
    page = login("operator")
    before = len(world.journal())
    response = page.request.post("/bots/support/restart", form={"confirm": "yes"})
    assert response.status == 403
    assert "security token (CSRF)" in response.text()
    assert len(world.journal()) == before


def test_accessibility_audit_finds_no_serious_or_critical_violation(login):
    from axe_playwright_python.sync_playwright import Axe
    page = login("operator")
    expect(row(page, "support")).to_contain_text("Running", timeout=LONG)
    for path in ["/", "/bots/support", "/bots/support/logs", "/bots/support/config"]:
        page.goto(path)
        results = Axe().run(page)
        bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
        assert not bad, f"{path}: " + "; ".join(f"{v['id']}: {v['help']} ({len(v['nodes'])})" for v in bad)


def test_screenshots_for_the_docs(login):
    """Writes docs/console-*.png when FLEET_UPDATE_SCREENSHOTS=1 (else into a temporary file)."""
    page = login("operator")
    for bot in DEMO_BOTS:
        expect(row(page, bot)).to_contain_text("Running", timeout=LONG)
    if os.environ.get("OPENCLAW_SIM_TRAFFIC_PER_MIN"):
        # With simulated traffic, the pictures show messages (a condition, not a sleep).
        expect(row(page, "support").locator(".num")).not_to_have_text("0", timeout=LONG)
    out = os.path.join(os.path.dirname(__file__), "..", "..", "docs") if os.environ.get("FLEET_UPDATE_SCREENSHOTS") == "1" \
        else os.environ.get("TMPDIR", "/tmp")
    page.screenshot(path=os.path.join(out, "console-dashboard.png"), full_page=True)
    page.goto("/bots/support")
    expect(page.locator(".bot-status")).to_contain_text("Running", timeout=LONG)
    page.screenshot(path=os.path.join(out, "console-bot.png"), full_page=True)
