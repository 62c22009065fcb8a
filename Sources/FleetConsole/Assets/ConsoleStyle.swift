/// The console's style sheet (served as /assets/console.css): light and dark from the OS
/// setting, visible focus, status as colour, icon and word.
enum ConsoleStyle {
    static let text = #"""
:root {
  --bg: #ffffff; --fg: #1a1a1a; --muted: #595959; --line: #d0d0d0; --panel: #f4f5f7; --link: #0b57d0;
  --ok: #0a6b2b; --warn: #7a4f00; --bad: #b3001b; --off: #4d4d4d; --info: #0b4f8a; --focus: #0b57d0;
  --ok-bg: #e6f4ea; --warn-bg: #fff4d6; --bad-bg: #fde7ea; --off-bg: #eeeeee;
  color-scheme: light dark;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #121417; --fg: #e8e8e8; --muted: #a8a8a8; --line: #3a3f45; --panel: #1c2026; --link: #8ab4f8;
    --ok: #7ee2a0; --warn: #f5c65b; --bad: #ff9aa8; --off: #c0c0c0; --info: #9cc7ff; --focus: #8ab4f8;
    --ok-bg: #15301f; --warn-bg: #352a0e; --bad-bg: #3a1a20; --off-bg: #2a2a2a;
  }
}
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg); color: var(--fg); }
a { color: var(--link); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, main:focus-visible {
  outline: 3px solid var(--focus); outline-offset: 2px;
}
.skip { position: absolute; left: -9999px; top: 0; background: var(--bg); padding: .5em 1em; }
.skip:focus { left: .5em; z-index: 10; }
.visually-hidden { position: absolute !important; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
header.top { display: flex; justify-content: space-between; align-items: center; padding: .6em 1.2em; border-bottom: 1px solid var(--line); background: var(--panel); }
.brand { font-weight: 700; text-decoration: none; color: var(--fg); }
.who { display: flex; gap: .8em; align-items: center; }
.who form { margin: 0; }
main { padding: 1em 1.2em; max-width: 1400px; }
footer { padding: 1em 1.2em; color: var(--muted); font-size: .85em; border-top: 1px solid var(--line); }
h1 { font-size: 1.5em; margin: .2em 0 .6em; }
h2 { font-size: 1.2em; }
h3 { font-size: 1.05em; margin-top: 1.4em; }
.muted { color: var(--muted); }
.banner { padding: .6em 1.2em; }
.banner-warn { background: var(--warn-bg); color: var(--warn); }
.notice { background: var(--ok-bg); color: var(--ok); padding: .5em .8em; border-radius: 4px; }
.error, .error-message { color: var(--bad); }
.counts { list-style: none; display: flex; flex-wrap: wrap; gap: .6em; padding: 0; margin: 0 0 1em; }
.counts li { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: .4em .8em; }
.counts a { text-decoration: none; color: inherit; }
.num { font-weight: 700; font-variant-numeric: tabular-nums; }
.phase { display: inline-block; padding: .05em .5em; border-radius: 999px; font-weight: 600; white-space: nowrap; }
.phase-ok { color: var(--ok); background: var(--ok-bg); }
.phase-warn { color: var(--warn); background: var(--warn-bg); }
.phase-bad { color: var(--bad); background: var(--bad-bg); }
.phase-off { color: var(--off); background: var(--off-bg); }
.ok { color: var(--ok); } .bad { color: var(--bad); }
.conditions ul { list-style: none; padding: 0; margin: 0 0 1em; }
.cond { border-left: 4px solid var(--line); padding: .4em .8em; margin-bottom: .4em; background: var(--panel); }
.cond-ok { border-color: var(--ok); } .cond-info { border-color: var(--info); }
.cond-warn { border-color: var(--warn); } .cond-bad { border-color: var(--bad); }
.detail { color: var(--muted); font-size: .9em; }
.filters { display: flex; flex-wrap: wrap; gap: .8em; align-items: end; margin: 1em 0; }
.filters label { display: flex; flex-direction: column; font-size: .9em; }
input, select, button { font: inherit; color: var(--fg); background: var(--bg); border: 1px solid var(--line); border-radius: 4px; padding: .3em .5em; }
button, .button { cursor: pointer; background: var(--panel); color: var(--fg); text-decoration: none; display: inline-block; border: 1px solid var(--line); border-radius: 4px; padding: .3em .8em; }
button.link { border: none; background: none; color: var(--link); text-decoration: underline; padding: 0; }
button.danger { background: var(--bad-bg); color: var(--bad); border-color: var(--bad); }
table { border-collapse: collapse; width: 100%; margin: .5em 0 1em; }
th, td { text-align: left; padding: .45em .6em; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th { font-size: .85em; color: var(--muted); }
thead th a { color: inherit; }
tbody th { font-weight: 600; }
.chans { list-style: none; margin: 0; padding: 0; }
.chan-ok { color: var(--ok); } .chan-warn { color: var(--warn); } .chan-bad { color: var(--bad); }
.spark { vertical-align: middle; color: var(--info); }
.cards { list-style: none; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: 1em; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: .8em 1em; background: var(--panel); }
.card h2 { margin: 0; }
.card dl { display: grid; grid-template-columns: auto 1fr; gap: .2em .8em; }
.card dt { color: var(--muted); }
.card dd { margin: 0; }
.tabs ul { list-style: none; display: flex; flex-wrap: wrap; gap: .2em; padding: 0; border-bottom: 1px solid var(--line); }
.tabs a { display: block; padding: .4em .9em; text-decoration: none; border: 1px solid transparent; border-bottom: none; border-radius: 6px 6px 0 0; }
.tabs a[aria-current="page"] { border-color: var(--line); background: var(--panel); color: var(--fg); font-weight: 600; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: .3em 1.2em; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; }
.problem { background: var(--bad-bg); color: var(--bad); padding: .5em .8em; border-radius: 4px; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 1em; }
.chart { margin: 0; }
.chart svg { width: 100%; height: auto; }
.chart .axis { stroke: var(--line); }
.chart .tick { fill: var(--muted); font-size: 10px; }
.bar-msg { fill: var(--info); } .bar-err { fill: var(--bad); }
.log { list-style: none; padding: .5em; margin: 0; font: 13px/1.4 ui-monospace, "SFMono-Regular", Menlo, monospace; background: var(--panel); border: 1px solid var(--line); max-height: 70vh; overflow: auto; }
.log li { white-space: pre-wrap; word-break: break-word; }
.log .lv { font-weight: 700; }
.lv-error .lv, .lv-fatal .lv { color: var(--bad); } .lv-warn .lv { color: var(--warn); }
pre.code, pre.diff { background: var(--panel); border: 1px solid var(--line); padding: .6em; overflow: auto; font-size: 13px; }
pre.diff ins { color: var(--ok); text-decoration: none; } pre.diff del { color: var(--bad); text-decoration: none; }
.login { display: grid; gap: .4em; max-width: 22em; }
.login button { margin-top: .6em; }
.crumbs { font-size: .9em; margin-bottom: .4em; }
.check { padding: .5em .8em; border-radius: 4px; }
.transcript { list-style: none; padding: 0; }
.transcript li { border-bottom: 1px solid var(--line); padding: .5em 0; }
.msg { white-space: pre-wrap; margin-top: .2em; }
.check-ok { background: var(--ok-bg); color: var(--ok); } .check-bad { background: var(--bad-bg); color: var(--bad); }
/* Forms that change manifests: the wizard, edit forms, reviews, conflicts, history. */
.steps { list-style: none; display: flex; flex-wrap: wrap; gap: .4em; padding: 0; margin: 0 0 1em; }
.steps li { padding: .2em .7em; border: 1px solid var(--line); border-radius: 999px; color: var(--muted); }
.steps li[aria-current="step"] { color: var(--fg); background: var(--panel); font-weight: 600; border-color: var(--fg); }
.field { display: flex; flex-direction: column; gap: .25em; margin: 0 0 1em; max-width: 52em; border: 0; padding: 0; }
fieldset.field { border: 1px solid var(--line); border-radius: 6px; padding: .6em .9em; }
fieldset.field legend { font-weight: 600; padding: 0 .3em; }
fieldset.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: .6em; }
fieldset.cards .choice { border: 1px solid var(--line); border-radius: 8px; padding: .6em; background: var(--panel); }
.field label { font-weight: 600; }
.field.check { flex-direction: row; flex-wrap: wrap; align-items: baseline; gap: .5em; }
.field.check .help { flex-basis: 100%; }
.choice { display: flex; gap: .5em; align-items: baseline; margin: .2em 0; }
.choice label { font-weight: normal; display: flex; flex-direction: column; }
.choice .help, .help { color: var(--muted); font-size: .9em; margin: 0; }
textarea { font: inherit; color: var(--fg); background: var(--bg); border: 1px solid var(--line); border-radius: 4px; padding: .4em .5em; width: 100%; }
textarea.code { font: 13px/1.4 ui-monospace, "SFMono-Regular", Menlo, monospace; }
textarea:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
[aria-invalid="true"] { border-color: var(--bad); }
.field-error { background: var(--bad-bg); color: var(--bad); border-radius: 4px; padding: .3em .7em; }
.field-error ul, .diags { margin: .2em 0; padding-left: 1.2em; }
.diag-error { color: var(--bad); } .diag-warning { color: var(--warn); }
.fix { color: var(--fg); }
.readonly { background: var(--warn-bg); color: var(--warn); padding: .5em .8em; border-radius: 4px; }
.problems { border-left: 4px solid var(--bad); padding: .2em .9em; background: var(--bad-bg); margin: 1em 0; }
.warnings { border-left: 4px solid var(--warn); padding: .2em .9em; margin: 1em 0; }
.buttons { display: flex; gap: .6em; align-items: center; }
button.secondary { background: var(--bg); }
form.inline { display: inline; margin: 0; }
.actions form.inline button { margin: 0; }
div.actions { display: flex; flex-wrap: wrap; gap: .4em; align-items: center; margin: .6em 0; }
pre.plan { background: var(--panel); border: 1px solid var(--line); padding: .6em; overflow: auto; font-size: 13px; }
.versions { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 1em; }
.commits { padding-left: 1.2em; }
.commit { margin-bottom: 1em; }
.commit p { margin: .2em 0; }
.commit .files { list-style: none; padding-left: 0; font-size: .9em; }
.status { display: inline-block; min-width: 5.5em; color: var(--muted); }
.yaml-editor { display: grid; grid-template-columns: minmax(0, 2fr) minmax(0, 1fr); gap: 1em; }
.yaml-editor aside { max-height: 70vh; overflow: auto; font-size: .85em; }
.schema dt { font-weight: 600; margin-top: .4em; } .schema dd { margin: 0 0 0 .8em; color: var(--muted); }
table.review td { max-width: 40em; white-space: pre-wrap; }
"""#
}
