"""Changes made in the browser become commits (issue 17), in a real headless browser: the setup
wizard, the plan before the commit, a bot that reaches Running under `fleet daemon` and shows on
the dashboard without a reload, a stale form's conflict page, a roll back, and refused roles.

A world of its own: the demo fleet in a bare repository the console pushes to and the daemon
follows. Waits are conditions (Playwright's expect), never sleeps."""

import json
import os
import subprocess
import time

import pytest
from playwright.sync_api import expect

from conftest import World, make_login, run

LONG = 60_000
TOKEN = "5550001234:AAHbrowserWizardFakeTelegramToken_0042"


@pytest.fixture(scope="module")
def editing(browser):
    w = World(editable=True)
    make, close = make_login(browser, w)
    yield w, make
    close()
    w.close()
    assert w.exit_code == 0, "fleet serve did not exit cleanly on SIGTERM"


def git(world, *args):
    return run(["git", "--git-dir", world.repo] + list(args), world.env).stdout


def row(page, bot):
    return page.locator(f'tr[data-bot="{bot}"]')


def test_the_wizard_creates_a_bot_that_reaches_running_and_shows_on_the_dashboard_without_a_reload(editing):
    world, login = editing
    before = git(world, "rev-parse", "main").strip()
    dashboard = login("admin")
    expect(row(dashboard, "support")).to_have_attribute("data-phase", "Running", timeout=LONG)
    dashboard.evaluate("window.__notReloaded = true")
    # The wizard in a second tab; the first keeps the dashboard open.
    page = dashboard.context.new_page()
    page.goto("/")
    steps = []
    t0 = time.monotonic()

    def mark(name):
        steps.append((name, round(time.monotonic() - t0, 2)))

    page.get_by_role("link", name="New bot…").click()
    expect(page.get_by_role("heading", name="New bot: Basics")).to_be_visible()
    mark("opened the wizard")
    page.get_by_label("Display name").fill("Sales Helper")
    page.get_by_label("Name (slug)").fill("sales-helper")
    page.get_by_label("System prompt").fill("You help customers choose a plan. Be brief.")
    page.get_by_label("Labels").fill("team=sales")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="New bot: Channel")).to_be_visible()
    mark("1. basics")
    page.get_by_role("radio", name="Telegram").check()
    page.get_by_label("Bot token (Telegram, Discord or Slack)").fill(TOKEN)
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="New bot: Access control")).to_be_visible()
    mark("2. channel")
    assert TOKEN not in page.content(), "the token is never shown again"
    page.get_by_role("radio", name="pairing").check()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="New bot: Advanced")).to_be_visible()
    mark("3. access control")
    page.get_by_role("button", name="Review").click()
    expect(page.get_by_role("heading", name="New bot: Review")).to_be_visible(timeout=LONG)
    mark("4. advanced")
    # The plan is shown before anything is committed.
    expect(page.locator("#plan")).to_contain_text("create")
    expect(page.locator("#plan")).to_contain_text("sales-helper")
    expect(page.locator("#plan")).to_contain_text("new bot on port")
    expect(page.locator("#manifest")).to_contain_text("ENC[…] (encrypted)")
    assert git(world, "rev-parse", "main").strip() == before, "nothing is committed before Create"
    page.get_by_label("Why?").fill("the sales team wants a Telegram bot")
    page.get_by_role("button", name="Commit to main").click()
    expect(page.locator("#committed")).to_be_visible(timeout=LONG)
    mark("5. review and commit")
    # The dashboard tab shows the new bot, then Running, without a reload.
    expect(row(dashboard, "sales-helper")).to_be_visible(timeout=LONG)
    mark("the dashboard lists it")
    expect(row(dashboard, "sales-helper")).to_have_attribute("data-phase", "Running", timeout=LONG)
    mark("Running on the dashboard")
    assert dashboard.evaluate("window.__notReloaded") is True
    report = {"steps": steps, "total_seconds": steps[-1][1]}
    print("\nwizard timings: " + json.dumps(report))
    out = os.environ.get("FLEET_WIZARD_TIMINGS")
    if out:
        with open(out, "w") as f:
            json.dump(report, f, indent=2)
    # The commit: the user as author, the token encrypted, the plaintext in no git object.
    assert git(world, "log", "-1", "--format=%an <%ae>", "main").strip() == "Ada Admin <ada@example.com>"
    assert git(world, "log", "-1", "--format=%s", "main").strip() == "Add bot sales-helper (telegram)"
    manifest = git(world, "show", "main:fleet/bots/sales-helper.yaml")
    assert 'botToken: "ENC[AES256_GCM' in manifest
    objects = subprocess.run(["git", "--git-dir", world.repo, "cat-file", "--batch-all-objects", "--batch"],
                             capture_output=True, env=world.env, check=True).stdout
    assert TOKEN.encode() not in objects
    assert b"browserWizardFake" not in objects


def test_a_bad_name_shows_the_validator_diagnostic_at_the_field_and_commits_nothing(editing):
    world, login = editing
    before = git(world, "rev-parse", "main").strip()
    page = login("admin")
    page.goto("/bots/new")
    page.get_by_label("Display name").fill("Bad")
    page.get_by_label("Name (slug)").fill("Bad Name!")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="New bot: Basics")).to_be_visible()
    error = page.locator("#f-name-error")
    expect(error).to_contain_text("error[E024]")
    expect(page.get_by_label("Name (slug)")).to_have_attribute("aria-invalid", "true")
    assert git(world, "rev-parse", "main").strip() == before


def test_an_edit_made_on_a_stale_form_is_refused_with_the_conflict_page(editing):
    world, login = editing
    first = login("admin")
    second = first.context.new_page()
    first.goto("/bots/support/edit")
    second.goto("/bots/support/edit")
    first.get_by_label("Display name").fill("Support (first tab)")
    first.get_by_role("button", name="Review the change").click()
    expect(first.get_by_role("heading", name="Review: Edit bot support: displayName")).to_be_visible(timeout=LONG)
    first.get_by_role("button", name="Commit to main").click()
    expect(first.locator("#committed")).to_be_visible(timeout=LONG)
    # The second tab's form was loaded from the commit before.
    second.get_by_label("Display name").fill("Support (second tab)")
    second.get_by_role("button", name="Review the change").click()
    expect(second.get_by_role("heading", name="Review: Edit bot support: displayName")).to_be_visible(timeout=LONG)
    second.get_by_role("button", name="Commit to main").click()
    expect(second.get_by_role("heading", name="Conflict: main changed since you opened the form")).to_be_visible(timeout=LONG)
    expect(second.locator("#mine")).to_contain_text("Support (second tab)")
    expect(second.locator("#theirs")).to_contain_text("Support (first tab)")
    manifest = git(world, "show", "main:fleet/bots/support.yaml")
    assert "Support (first tab)" in manifest and "second tab" not in manifest


def test_a_rollback_produces_the_earlier_files_in_a_new_commit(editing):
    world, login = editing
    first = git(world, "rev-list", "--max-parents=0", "main").strip()
    original = git(world, "show", f"{first}:fleet/bots/support.yaml")
    count = int(git(world, "rev-list", "--count", "main"))
    page = login("admin")
    page.goto("/bots/support/history")
    page.get_by_role("button", name=f"Roll support back to {first[:7]}…").click()
    expect(page.get_by_role("heading", name=f"Review: Roll bot support back to {first[:7]}")).to_be_visible(timeout=LONG)
    page.get_by_label("Why?").fill("back to the reviewed name")
    page.get_by_role("button", name="Commit to main").click()
    expect(page.locator("#committed")).to_be_visible(timeout=LONG)
    assert git(world, "show", "main:fleet/bots/support.yaml") == original
    assert int(git(world, "rev-list", "--count", "main")) == count + 1, "a new commit, history kept"
    assert git(world, "log", "-1", "--format=%s", "main").strip() == f"Roll bot support back to {first[:7]}"


def test_a_viewer_and_an_out_of_selector_admin_are_refused(editing):
    world, login = editing
    before = git(world, "rev-parse", "main").strip()
    viewer = login("viewer")
    viewer.goto("/bots/new")
    expect(viewer.locator("#readonly")).to_contain_text("only admins create bots")
    expect(viewer.get_by_role("button", name="Next")).to_have_count(0)
    viewer.goto("/bots/support/edit")
    expect(viewer.locator("#readonly")).to_contain_text("only admins change manifests")
    token = viewer.locator('input[name="csrf"]').first.get_attribute("value")
    assert viewer.request.post("/bots/support/lifecycle", form={"csrf": token, "action": "disable"}).status == 403
    # An admin of team=customer-care may not create a bot outside it ...
    careadmin = login("careadmin")
    careadmin.goto("/bots/new")
    expect(careadmin.get_by_label("Labels")).to_have_value("team=customer-care")
    careadmin.get_by_label("Display name").fill("Sales Two")
    careadmin.get_by_label("Labels").fill("team=sales")
    careadmin.get_by_role("button", name="Next").click()
    expect(careadmin.locator("#f-labels-error")).to_contain_text("does not cover a bot with these labels")
    # ... nor change one (ops is team=platform: not even shown to them).
    assert careadmin.goto("/bots/ops/edit").status == 404
    assert git(world, "rev-parse", "main").strip() == before


def test_the_wizard_and_review_pages_pass_the_accessibility_audit(editing):
    from axe_playwright_python.sync_playwright import Axe
    world, login = editing
    page = login("admin")
    for path in ["/bots/new", "/bots/support/edit", "/bots/support/history", "/history"]:
        page.goto(path)
        results = Axe().run(page)
        bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
        assert not bad, f"{path}: " + "; ".join(f"{v['id']}: {v['help']} ({len(v['nodes'])})" for v in bad)
    if os.environ.get("FLEET_UPDATE_SCREENSHOTS") == "1":
        out = os.path.join(os.path.dirname(__file__), "..", "..", "docs")
        page.goto("/bots/new")
        page.screenshot(path=os.path.join(out, "console-wizard.png"), full_page=True)
        page.goto("/bots/support/history")
        page.screenshot(path=os.path.join(out, "console-history.png"), full_page=True)
