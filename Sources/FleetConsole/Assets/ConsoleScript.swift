/// The console's one script (served as /assets/console.js): live updates over Server-Sent
/// Events. Pages work without it; it only swaps in fragments the server rendered and appends
/// new log lines. Nothing is fetched from anywhere but this site.
enum ConsoleScript {
    static let text = #"""
// fleet console: live updates over Server-Sent Events (no framework, nothing from elsewhere).
(function () {
  "use strict";
  var body = document.body;
  var statusRegion = document.getElementById("live-status");
  var alertRegion = document.getElementById("live-alert");
  var queued = [];
  var queuedAlert = false;
  var timer = null;

  // Announcements are throttled: at most one every 2 seconds, changes merged.
  function announce(text, alert) {
    queued.push(text);
    queuedAlert = queuedAlert || alert;
    if (timer) { return; }
    timer = window.setTimeout(function () {
      var region = queuedAlert ? alertRegion : statusRegion;
      if (region) { region.textContent = queued.join(". "); }
      queued = [];
      queuedAlert = false;
      timer = null;
    }, 2000);
  }

  function each(selector, fn) {
    Array.prototype.forEach.call(document.querySelectorAll(selector), fn);
  }

  function quote(value) {
    return window.CSS && CSS.escape ? CSS.escape(value) : value.replace(/["\\]/g, "\\$&");
  }

  var source = body.getAttribute("data-events");
  if (source && window.EventSource) {
    var events = new EventSource(source);
    events.addEventListener("update", function (event) {
      var update;
      try { update = JSON.parse(event.data); } catch (e) { return; }
      Object.keys(update.fragments).forEach(function (key) {
        each('[data-live="' + quote(key) + '"]', function (el) { el.innerHTML = update.fragments[key]; });
      });
      // A bot committed since the page was made gets its row; a deleted one loses it (an
      // unfiltered table only: a filter's rows are the server's to choose).
      var table = document.getElementById("bots");
      if (update.bots && table && table.getAttribute("data-filtered") !== "yes") {
        var tbody = table.querySelector("tbody");
        update.bots.forEach(function (name) {
          if (table.querySelector('tr[data-bot="' + quote(name) + '"]') || !update.fragments["row:" + name]) { return; }
          var tr = document.createElement("tr");
          tr.id = "bot-" + name;
          tr.setAttribute("data-bot", name);
          tr.setAttribute("data-live", "row:" + name);
          tr.setAttribute("data-phase", update.phases[name] || "");
          tr.innerHTML = update.fragments["row:" + name];
          tbody.appendChild(tr);
          announce(name + " was added", false);
        });
        Array.prototype.forEach.call(table.querySelectorAll("tr[data-bot]"), function (tr) {
          if (update.bots.indexOf(tr.getAttribute("data-bot")) < 0) { tr.parentNode.removeChild(tr); }
        });
      }
      Object.keys(update.phases).forEach(function (name) {
        each('[data-bot="' + quote(name) + '"]', function (el) { el.setAttribute("data-phase", update.phases[name]); });
      });
      if (update.announce) { announce(update.announce, update.alert); }
      body.setAttribute("data-version", String(update.version));
      body.setAttribute("data-live-state", "connected");
    });
    events.addEventListener("open", function () { body.setAttribute("data-live-state", "connected"); });
    events.addEventListener("error", function () { body.setAttribute("data-live-state", "reconnecting"); });
  }

  var log = document.getElementById("log");
  if (log && log.getAttribute("data-tail") && window.EventSource) {
    var tail = new EventSource(log.getAttribute("data-tail"));
    var state = document.getElementById("tail-state");
    tail.addEventListener("line", function (event) {
      var line;
      try { line = JSON.parse(event.data); } catch (e) { return; }
      var atBottom = window.innerHeight + window.scrollY >= document.body.offsetHeight - 40;
      log.insertAdjacentHTML("beforeend", line.html);
      while (log.children.length > 2000) { log.removeChild(log.firstElementChild); }
      if (atBottom) { window.scrollTo(0, document.body.scrollHeight); }
    });
    tail.addEventListener("open", function () {
      if (state) { state.textContent = "Following the log: new lines appear below as they are written."; }
      log.setAttribute("data-following", "yes");
    });
  }
})();
"""#
}
