// Keeps the server-rendered status page current: fetches the status document every few seconds and
// re-renders the same sections as StatusPageRenderer (keep the two in step). Builds DOM nodes with
// textContent only, so values from the document are never parsed as HTML. Pauses while the tab is
// hidden; when a fetch fails, the last good content stays and a "stale" badge says so.
(function () {
  "use strict";

  var MISSING = "\u2014";
  var SIZE_UNITS = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];

  var body = document.body;
  var statusUrl = body.getAttribute("data-status-url") || "/api/v1/status";
  var refreshMs = Number(body.getAttribute("data-refresh-ms")) || 5000;
  var timer = null;
  var inFlight = false;

  // --- Reading the document; every field may be missing or of another type ---

  function isObject(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value);
  }

  function field(node, key) {
    return isObject(node) ? node[key] : undefined;
  }

  function text(value) {
    if (typeof value === "string") {
      return value;
    }
    if (typeof value === "number" || typeof value === "boolean") {
      return String(value);
    }
    return null;
  }

  function number(value) {
    return typeof value === "number" && isFinite(value) ? value : null;
  }

  // A whole number; counts of another type are shown as missing rather than guessed.
  function count(value) {
    return typeof value === "number" && Number.isInteger(value) ? value : null;
  }

  function list(value) {
    return Array.isArray(value) ? value : [];
  }

  // --- Formatting, as StatusPageRenderer does it ---

  function humanSize(bytes) {
    if (bytes === null || bytes < 0) {
      return MISSING;
    }
    if (bytes < 1024) {
      return Math.floor(bytes) + " B";
    }
    var value = bytes;
    var unit = 0;
    while (value >= 1024 && unit < SIZE_UNITS.length - 1) {
      value /= 1024;
      unit++;
    }
    return (value < 10 ? value.toFixed(1) : value.toFixed(0)) + " " + SIZE_UNITS[unit];
  }

  function humanDuration(seconds) {
    if (seconds === null || seconds < 0) {
      return MISSING;
    }
    seconds = Math.floor(seconds);
    var days = Math.floor(seconds / 86400);
    var hours = Math.floor((seconds % 86400) / 3600);
    var minutes = Math.floor((seconds % 3600) / 60);
    var secs = seconds % 60;
    if (days > 0) {
      return days + " d " + hours + " h";
    }
    if (hours > 0) {
      return hours + " h " + minutes + " min";
    }
    if (minutes > 0) {
      return minutes + " min " + secs + " s";
    }
    return secs + " s";
  }

  function formatTime(value) {
    var parsed = /^\d{4}-\d{2}-\d{2}T/.test(value) ? new Date(value) : null;
    if (parsed === null || isNaN(parsed.getTime())) {
      return value;
    }
    return parsed.toISOString().slice(0, 19).replace("T", " ") + " UTC";
  }

  function toneOf(state) {
    switch (state) {
      case "ready": case "healthy": case "ok": case "up": case "closed": case "redis":
        return "success";
      case "degraded": case "half_open": case "warning": case "fallback":
        return "warning";
      case "not_ready": case "fail": case "failed": case "unavailable": case "unhealthy": case "down": case "open": case "error":
        return "danger";
      default:
        return "secondary";
    }
  }

  // --- Building nodes ---

  function el(tag, className, children) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function badge(tone, label) {
    var classes = /-subtle$/.test(tone)
      ? "bg-" + tone + " text-" + tone.replace("-subtle", "-emphasis") + " border border-" + tone
      : "text-bg-" + tone;
    return el("span", "badge " + classes, [label]);
  }

  function statCard(label, value, note) {
    return el("div", "col-6 col-lg-3", [
      el("div", "card stat-card h-100 shadow-sm", [
        el("div", "card-body", [
          el("div", "stat-label", [label]),
          el("div", "stat-value", [value]),
          el("div", "small text-body-secondary", [note])
        ])
      ])
    ]);
  }

  function emptyRow(columns, className, message) {
    var cell = el("td", className, [message]);
    cell.colSpan = columns;
    return el("tr", null, [cell]);
  }

  // --- Sections ---

  function healthBadge(health) {
    var state = text(field(health, "status"));
    var label = state === "ready" ? "Ready" : state === "not_ready" ? "Not ready" : state === null ? "Health unknown" : state;
    return [badge(state === null ? "secondary" : toneOf(state), label)];
  }

  function summary(status) {
    var elements = list(field(status, "storage_elements"));
    var healthy = 0;
    var available = 0;
    var byMode = {};
    var modeOrder = [];
    elements.forEach(function (element) {
      if (text(field(element, "health")) === "healthy") {
        healthy++;
      }
      var mode = text(field(element, "mode")) || "unknown";
      if (!(mode in byMode)) {
        byMode[mode] = 0;
        modeOrder.push(mode);
      }
      byMode[mode]++;
      available += number(field(field(element, "capacity"), "available")) || 0;
    });
    var modes = modeOrder.map(function (mode) { return byMode[mode] + " " + mode; });
    // Each file system once (local elements may share one); the sum is for servers that do not report it.
    var free = number(field(field(status, "capacity"), "available"));
    if (free !== null) {
      available = free;
    }
    var reserved = number(field(field(status, "reservations"), "outstanding_bytes"));
    var uptime = number(field(status, "uptime_seconds"));
    var startedAt = text(field(status, "started_at"));
    return [
      statCard("Storage elements", String(elements.length),
        elements.length === 0 ? "none reported" : [healthy + " healthy"].concat(modes).join(" \u00b7 ")),
      statCard("Free space", elements.length === 0 ? MISSING : humanSize(available), "over all storage elements, each file system once"),
      statCard("Reserved", reserved === null ? MISSING : humanSize(reserved), "for uploads in flight"),
      statCard("Uptime", uptime === null ? MISSING : humanDuration(uptime),
        startedAt === null ? "start time unknown" : "since " + formatTime(startedAt))
    ];
  }

  function instanceFacts(status) {
    var auth = field(field(status, "auth"), "enabled");
    var startedAt = text(field(status, "started_at"));
    var facts = [
      ["Service", text(field(status, "service"))],
      ["Version", text(field(status, "version"))],
      ["Instance", text(field(status, "instance_id"))],
      ["Deployment", text(field(status, "deployment"))],
      ["Authentication", typeof auth === "boolean" ? (auth ? "enabled" : "disabled") : null],
      ["Started", startedAt === null ? null : formatTime(startedAt)]
    ];
    var nodes = [];
    facts.forEach(function (fact) {
      nodes.push(el("dt", "col-sm-4", [fact[0]]));
      nodes.push(el("dd", "col-sm-8", [fact[1] === null ? MISSING : fact[1]]));
    });
    return nodes;
  }

  function healthChecks(checks) {
    if (!isObject(checks) || Object.keys(checks).length === 0) {
      return [el("li", "text-body-secondary", ["No checks reported."])];
    }
    return Object.keys(checks).map(function (name) {
      var check = checks[name];
      var state = text(field(check, "status"));
      if (state === null) {
        state = text(check);
      }
      var details = isObject(check)
        ? Object.keys(check).filter(function (key) { return key !== "status"; }).map(function (key) {
          var value = text(check[key]);
          return key + ": " + (value === null ? MISSING : value);
        })
        : [];
      return el("li", "d-flex justify-content-between align-items-start gap-2 py-1", [
        el("div", null, [
          el("div", "fw-medium", [name.replace(/_/g, " ")]),
          el("div", "small text-body-secondary", [details.join(" \u00b7 ")])
        ]),
        badge(state === null ? "secondary" : toneOf(state), state === null ? "unknown" : state)
      ]);
    });
  }

  var TRANSFER_COUNTS = [
    ["in_flight", "In flight"],
    ["committed", "Committed since start"],
    ["aborted", "Aborted since start"],
    ["heuristic", "Heuristic since start"]
  ];

  var SAGA_COUNTS = [
    ["running", "Running"],
    ["compensating", "Compensating"],
    ["failed_compensation", "Failed compensation"],
    ["completed_since_start", "Completed since start"],
    ["compensated_since_start", "Compensated since start"],
    ["rejected_since_start", "Rejected since start"],
    ["parked_since_start", "Parked since start"],
    ["recovery_failures_since_start", "Recovery failures since start"]
  ];

  var REGISTRY_COUNTS = [
    ["pending", "Pending"],
    ["oldest_pending_age_seconds", "Oldest pending, seconds"],
    ["failed", "Failed"],
    ["delivered", "Delivered since start"]
  ];

  function registryBadge(registry) {
    if (!isObject(registry)) {
      return [badge("secondary", "not reported")];
    }
    if (field(registry, "enabled") !== true) {
      return [badge("secondary", "off")];
    }
    var failed = count(field(registry, "failed"));
    if (failed !== null && failed > 0) {
      return [badge("warning", "Needs an operator: " + failed + " failed")];
    }
    var pending = count(field(registry, "pending"));
    if (pending !== null && pending > 0) {
      return [badge("info", pending + " pending")];
    }
    return [badge("success", "OK")];
  }

  function registryLastError(registry) {
    var error = field(registry, "last_error");
    var message = text(field(error, "message"));
    if (message !== null) {
      var at = text(field(error, "at"));
      return ["Last error" + (at === null ? "" : " (" + formatTime(at) + ")") + ": " + message];
    }
    return [field(registry, "enabled") === true ? "No errors since start." : ""];
  }

  function attentionBadge(section, key, what) {
    if (!isObject(section)) {
      return [badge("secondary", "not reported")];
    }
    var n = count(section[key]);
    if (n !== null && n > 0) {
      return [badge("warning", "Needs an operator: " + n + " " + what)];
    }
    return [n === null ? badge("secondary", "unknown") : badge("success", "OK")];
  }

  function counts(section, labels) {
    var nodes = [];
    labels.forEach(function (label) {
      var n = count(field(section, label[0]));
      nodes.push(el("dt", "col-8", [label[1]]));
      nodes.push(el("dd", "col-4 text-end mb-1", [n === null ? MISSING : String(n)]));
    });
    return nodes;
  }

  function capacity(node) {
    var total = number(field(node, "total"));
    var used = number(field(node, "used"));
    var available = number(field(node, "available"));
    if (total === null || used === null) {
      return [el("span", "text-body-secondary", ["unknown"])];
    }
    var reported = number(field(node, "percent_used"));
    var percent = reported !== null ? reported : total === 0 ? 0 : 100 * used / total;
    percent = Math.max(0, Math.min(100, percent));
    var tone = percent >= 90 ? "danger" : percent >= 75 ? "warning" : "success";
    var percentText = percent.toFixed(1);
    var bar = el("div", "progress-bar bg-" + tone);
    bar.setAttribute("style", "width: " + percentText + "%");
    var progress = el("div", "progress", [bar]);
    progress.setAttribute("role", "progressbar");
    progress.setAttribute("aria-label", "Capacity used");
    progress.setAttribute("aria-valuemin", "0");
    progress.setAttribute("aria-valuemax", "100");
    progress.setAttribute("aria-valuenow", percentText);
    var note = humanSize(used) + " of " + humanSize(total) + " used (" + percentText + " %)"
      + (available === null ? "" : " \u00b7 " + humanSize(available) + " free");
    return [progress, el("div", "small text-body-secondary mt-1", [note])];
  }

  function storageElementRows(elements) {
    elements = list(elements);
    if (elements.length === 0) {
      return [emptyRow(6, "text-center text-body-secondary py-4", "No storage elements reported.")];
    }
    return elements.map(function (element) {
      var mode = text(field(element, "mode"));
      var health = text(field(element, "health"));
      var breaker = field(element, "circuit_breaker");
      var circuit = text(field(breaker, "state"));
      if (circuit === null) {
        circuit = text(breaker);
      }
      var reserved = number(field(element, "reserved_bytes"));
      var healthCell = el("td", null, [badge(health === null ? "secondary" : toneOf(health), health === null ? "unknown" : health)]);
      if (circuit !== null) {
        healthCell.appendChild(document.createTextNode(" "));
        healthCell.appendChild(el("span", "small text-body-secondary", ["circuit " + circuit]));
      }
      var tls = field(element, "tls");
      var tlsReason = text(field(tls, "reason"));
      if (tlsReason !== null) {
        var tlsNote = el("div", "small text-danger tls-failure", ["TLS handshake failed: " + tlsReason.replace(/_/g, " ")]);
        tlsNote.title = text(field(tls, "message")) || "";
        healthCell.appendChild(tlsNote);
      }
      return el("tr", null, [
        el("td", null, [
          el("div", "fw-semibold", [text(field(element, "id")) || MISSING]),
          el("div", "small text-body-secondary element-location", [text(field(element, "location")) || ""])
        ]),
        el("td", null, [mode === null ? MISSING : badge("primary-subtle", mode)]),
        el("td", "text-end", [text(field(element, "priority")) || MISSING]),
        healthCell,
        el("td", "capacity", capacity(field(element, "capacity"))),
        el("td", "text-end", [reserved === null ? MISSING : humanSize(reserved)])
      ]);
    });
  }

  function flatten(prefix, node, into) {
    if (isObject(node) && Object.keys(node).length > 0) {
      Object.keys(node).forEach(function (key) {
        flatten(prefix === "" ? key : prefix + "." + key, node[key], into);
      });
    } else if (Array.isArray(node) && node.length > 0) {
      node.forEach(function (item, index) {
        flatten(prefix + "[" + index + "]", item, into);
      });
    } else if (prefix !== "" && node !== undefined) {
      into.push([prefix, isObject(node) ? "{}" : Array.isArray(node) ? "[]" : node === null ? "null" : String(node)]);
    }
  }

  function configurationRows(configuration) {
    var rows = [];
    flatten("", configuration, rows);
    if (rows.length === 0) {
      return [emptyRow(2, "text-body-secondary", "No configuration reported.")];
    }
    return rows.map(function (row) {
      var key = el("th", null, [el("code", null, [row[0]])]);
      key.scope = "row";
      return el("tr", null, [key, el("td", null, [row[1]])]);
    });
  }

  // --- Refreshing ---

  function replace(id, nodes) {
    var target = document.getElementById(id);
    if (target) {
      target.replaceChildren.apply(target, nodes);
    }
  }

  function render(status) {
    var health = field(status, "health");
    var timestamp = text(field(health, "timestamp"));
    replace("health-badge", healthBadge(health));
    replace("summary", summary(status));
    replace("instance-facts", instanceFacts(status));
    replace("health-checks", healthChecks(field(health, "checks")));
    replace("transfers-badge", attentionBadge(field(status, "transfers"), "heuristic", "heuristic"));
    replace("transfer-counts", counts(field(status, "transfers"), TRANSFER_COUNTS));
    replace("sagas-badge", attentionBadge(field(status, "sagas"), "failed_compensation", "failed compensation"));
    replace("saga-counts", counts(field(status, "sagas"), SAGA_COUNTS));
    replace("registry-badge", registryBadge(field(status, "registry")));
    replace("registry-counts", counts(field(status, "registry"), REGISTRY_COUNTS));
    replace("registry-last-error", registryLastError(field(status, "registry")));
    replace("storage-elements-rows", storageElementRows(field(status, "storage_elements")));
    replace("configuration-rows", configurationRows(field(status, "configuration")));
    replace("generated-at", [timestamp === null ? formatTime(new Date().toISOString()) : formatTime(timestamp)]);
  }

  function showStale(reason) {
    var stale = document.getElementById("stale-badge");
    if (stale) {
      stale.classList.toggle("d-none", reason === null);
      stale.title = reason === null ? "" : reason;
    }
  }

  function refresh() {
    if (inFlight) {
      return;
    }
    inFlight = true;
    fetch(statusUrl, { cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("status " + response.status + " from " + statusUrl);
        }
        return response.json();
      })
      .then(function (status) {
        if (!isObject(status)) {
          throw new Error("the status document is not a JSON object");
        }
        render(status);
        showStale(null);
        body.setAttribute("data-refreshed-at", new Date().toISOString());
      })
      .catch(function (error) {
        showStale("Showing the last good status: " + error.message);
      })
      .then(function () {
        inFlight = false;
        schedule();
      });
  }

  function schedule() {
    clearTimeout(timer);
    timer = document.hidden ? null : setTimeout(refresh, refreshMs);
  }

  function onVisibilityChange() {
    var live = document.getElementById("live-indicator");
    if (live) {
      live.classList.toggle("paused", document.hidden);
    }
    if (document.hidden) {
      clearTimeout(timer);
      timer = null;
    } else {
      refresh();
    }
  }

  var indicator = document.getElementById("live-indicator");
  if (indicator) {
    indicator.textContent = "Live \u00b7 every " + Math.round(refreshMs / 1000) + " s";
    indicator.classList.remove("d-none");
  }
  document.addEventListener("visibilitychange", onVisibilityChange);
  // The server has just rendered the page: the first fetch can wait one period.
  schedule();
})();
