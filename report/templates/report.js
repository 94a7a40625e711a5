// The report's only script: it shows one replicate and one table of the
// trace viewer at a time, filters the events by kind, and, once the page
// has loaded, records in #selfcheck what rendered, for the browser test.
// Without it every trace and table is shown at once.
(function () {
  "use strict";
  var root = document.documentElement;
  var nErrors = 0;

  function fail(msg) {
    nErrors++;
    root.setAttribute("data-js-errors", String(nErrors));
    var list = document.getElementById("js-errors");
    if (list) {
      var li = document.createElement("li");
      li.textContent = msg;
      list.appendChild(li);
      list.hidden = false;
    }
  }
  window.addEventListener("error", function (e) {
    fail((e.message || "error") + " at " + (e.filename || "?") + ":" + (e.lineno || 0));
  });
  window.addEventListener("unhandledrejection", function (e) {
    fail("unhandled rejection: " + String(e.reason));
  });

  function all(sel, el) { return Array.prototype.slice.call((el || document).querySelectorAll(sel)); }

  function showLane(trace, laneID) {
    all("section.lane", trace).forEach(function (s) { s.classList.toggle("active", s.id === laneID); });
    all("a.lane-tab", trace).forEach(function (a) {
      var on = a.getAttribute("data-lane") === laneID;
      a.classList.toggle("active", on);
      a.setAttribute("aria-selected", on ? "true" : "false");
    });
  }

  function showTrace(id) {
    var shown = null;
    all("article.trace").forEach(function (t) {
      var on = t.id === id;
      t.classList.toggle("active", on);
      if (on) { shown = t; }
    });
    var sel = document.getElementById("replicate-select");
    if (sel && shown) { sel.value = id; }
    return shown;
  }

  function setup() {
    var traces = all("article.trace");
    if (traces.length === 0) { return; }
    root.classList.add("js");
    var controls = document.getElementById("trace-controls");
    if (controls) { controls.hidden = false; }
    traces.forEach(function (t) {
      var first = t.querySelector("a.lane-tab");
      if (first) { showLane(t, first.getAttribute("data-lane")); }
      all("a.lane-tab", t).forEach(function (a) {
        a.addEventListener("click", function (e) {
          e.preventDefault();
          showLane(t, a.getAttribute("data-lane"));
        });
      });
    });
    showTrace(traces[0].id);
    var sel = document.getElementById("replicate-select");
    if (sel) {
      sel.addEventListener("change", function () { showTrace(sel.value); });
    }
    all("input.kind-toggle").forEach(function (box) {
      box.addEventListener("change", function () {
        all('li.ev[data-kind="' + box.value + '"]').forEach(function (li) { li.hidden = !box.checked; });
      });
    });
    // ?replicate=I&table=ID pick the replicate and table shown first.
    var q = {};
    location.search.slice(1).split("&").forEach(function (kv) {
      var i = kv.indexOf("=");
      if (i > 0) { q[decodeURIComponent(kv.slice(0, i))] = decodeURIComponent(kv.slice(i + 1)); }
    });
    if (q.table) {
      traces.forEach(function (t) {
        all("section.lane", t).forEach(function (s) {
          if (s.getAttribute("data-table") === q.table) { showLane(t, s.id); }
        });
      });
    }
    if (q.replicate) {
      traces.forEach(function (t) {
        if (t.getAttribute("data-replicate") === q.replicate) { showTrace(t.id); }
      });
    }
    followHash();
    window.addEventListener("hashchange", followHash);
  }

  // followHash shows the replicate and table a link points into.
  function followHash() {
    var id = decodeURIComponent(location.hash.replace(/^#/, ""));
    if (!id) { return; }
    var el = document.getElementById(id);
    if (!el) { return; }
    var trace = el.closest ? el.closest("article.trace") : null;
    if (trace) {
      showTrace(trace.id);
      var lane = el.closest("section.lane");
      if (lane) { showLane(trace, lane.id); }
      el.scrollIntoView();
    }
  }

  function selfcheck() {
    var imgs = all("img.fig");
    var ok = imgs.filter(function (i) { return i.complete && i.naturalWidth > 0 && i.naturalHeight > 0; });
    var box = document.getElementById("selfcheck");
    if (!box) { return; }
    box.setAttribute("data-figures", String(imgs.length));
    box.setAttribute("data-figures-ok", String(ok.length));
    box.setAttribute("data-figures-broken", String(imgs.length - ok.length));
    box.setAttribute("data-tables", String(all("table.data").length));
    box.setAttribute("data-table-rows", String(all("table.data tbody tr").length));
    box.setAttribute("data-traces", String(all("article.trace").length));
    box.setAttribute("data-lanes", String(all("section.lane").length));
    box.setAttribute("data-timeline-rows", String(all("tr.tl-row").length));
    box.setAttribute("data-events", String(all("li.ev").length));
    box.setAttribute("data-visible-lanes", String(all("section.lane").filter(function (s) { return s.offsetHeight > 0; }).length));
    box.setAttribute("data-js-errors", String(nErrors));
    root.setAttribute("data-ready", "1");
  }

  // ?view=traces shows the trace viewer alone (and makes a screenshot of
  // it possible without scrolling).
  if (/(^|[?&])view=traces(&|$)/.test(location.search.slice(1)) && document.getElementById("traces")) {
    root.classList.add("view-traces");
  }
  try {
    setup();
  } catch (e) {
    fail("setup: " + e);
  }
  if (document.readyState === "complete") {
    selfcheck();
  } else {
    window.addEventListener("load", selfcheck);
  }
}());
