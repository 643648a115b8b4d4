// Progressive enhancement of the status page. The server renders the whole page (StatusPageRenderer, the page's
// one renderer); this script renders nothing itself:
// - every few seconds it fetches the page again and swaps the regions marked data-live whose content changed
//   (the swapped nodes come from the server's HTML, parsed inertly by DOMParser: no script in them runs);
// - it draws the throughput and latency charts (uPlot) from the samples the server rendered into the page;
// - it runs the upload widget (tus-js-client), which stays hidden without JavaScript.
// Refreshing pauses while the tab is hidden; when a fetch fails, the last good content stays and a badge says so.
(function () {
  "use strict";

  var body = document.body;
  var refreshMs = Number(body.getAttribute("data-refresh-ms")) || 5000;
  var pageUrl = window.location.pathname + window.location.search;
  var timer = null;
  var inFlight = false;

  // --- Live refresh: swap the server-rendered regions ---

  function swap(fresh) {
    var regions = document.querySelectorAll("[data-live]");
    for (var i = 0; i < regions.length; i++) {
      var region = regions[i];
      var next = fresh.getElementById(region.id);
      // Unchanged regions are left alone, so that screen readers announce only what changed.
      if (!next || next.innerHTML === region.innerHTML) {
        continue;
      }
      var nodes = Array.prototype.slice.call(next.childNodes).map(function (node) {
        return document.adoptNode(node);
      });
      region.replaceChildren.apply(region, nodes);
    }
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
    clearTimeout(timer);
    fetch(pageUrl, { cache: "no-store", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("status " + response.status + " from " + pageUrl);
        }
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        if (!fresh.getElementById("summary")) {
          throw new Error(pageUrl + " did not answer with the status page");
        }
        swap(fresh);
        drawCharts();
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

  // --- Charts, from the columns the server put in #samples-series ---

  var charts = {};

  function readSeries() {
    var holder = document.getElementById("samples-series");
    if (!holder) {
      return null;
    }
    try {
      var series = JSON.parse(holder.getAttribute("data-series") || "{}");
      return series !== null && typeof series === "object" ? series : null;
    } catch (e) {
      return null;
    }
  }

  function column(series, key) {
    return Array.isArray(series[key]) ? series[key] : [];
  }

  function drawCharts() {
    if (typeof window.uPlot !== "function") {
      return;
    }
    var series = readSeries();
    if (series === null) {
      return;
    }
    var times = column(series, "t");
    chart("throughput-chart", [times, column(series, "mib_per_second")],
      [{ label: "MiB/s", stroke: "#0a58ca", fill: "rgba(13, 110, 253, 0.12)", width: 2 }]);
    chart("latency-chart", [times, column(series, "p50_ms"), column(series, "p95_ms")],
      [{ label: "p50 ms", stroke: "#146c43", width: 2 }, { label: "p95 ms", stroke: "#a61e4d", width: 2, dash: [6, 4] }]);
  }

  function chart(id, data, lines) {
    var target = document.getElementById(id);
    if (!target) {
      return;
    }
    try {
      if (charts[id]) {
        charts[id].setData(data);
      } else {
        charts[id] = new window.uPlot({
          width: Math.max(240, target.clientWidth || 480),
          height: 180,
          scales: { x: { time: true } },
          series: [{}].concat(lines),
          axes: [{}, { size: 56 }]
        }, data, target);
      }
      target.setAttribute("data-points", String(data[0].length));
    } catch (e) {
      target.setAttribute("data-chart-error", e.message);
    }
  }

  function resizeCharts() {
    Object.keys(charts).forEach(function (id) {
      var target = document.getElementById(id);
      if (target && target.clientWidth > 0) {
        charts[id].setSize({ width: target.clientWidth, height: 180 });
      }
    });
  }

  // --- Upload widget: resumable uploads through tus ---

  var TOKEN_KEY = "artstore.ingester.token";

  function formatBytes(bytes) {
    var units = ["B", "KiB", "MiB", "GiB", "TiB"];
    var value = bytes;
    var unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return (unit === 0 ? String(value) : value.toFixed(1)) + " " + units[unit];
  }

  // The final response names the stored file: in X-ArtStore-File-Id, in a JSON body, or in a Link to /files/.
  function fileIdOf(response) {
    if (!response) {
      return null;
    }
    var header = response.getHeader("X-ArtStore-File-Id");
    if (header) {
      return header;
    }
    try {
      var parsed = JSON.parse(response.getBody() || "null");
      if (parsed && typeof parsed.file_id === "string") {
        return parsed.file_id;
      }
    } catch (e) {
      // Not JSON: look at the link.
    }
    var match = /\/files\/([^/?#>]+)/.exec(response.getHeader("Link") || "");
    return match ? decodeURIComponent(match[1]) : null;
  }

  function setUpWidget() {
    var widget = document.getElementById("upload-widget");
    if (!widget || typeof window.tus === "undefined" || !window.tus.isSupported) {
      return;
    }
    var endpoint = widget.getAttribute("data-endpoint") || "/api/v1/uploads";
    var authEnabled = widget.getAttribute("data-auth-enabled") === "true";
    var tokenInput = document.getElementById("upload-token");
    var fileInput = document.getElementById("upload-file");
    var drop = document.getElementById("upload-drop");
    var startButton = document.getElementById("upload-start");
    var pauseButton = document.getElementById("upload-pause");
    var resumeButton = document.getElementById("upload-resume");
    var progress = document.getElementById("upload-progress");
    var bar = progress.querySelector(".progress-bar");
    var message = document.getElementById("upload-message");
    var file = null;
    var upload = null;
    var running = false;

    try {
      tokenInput.value = window.sessionStorage.getItem(TOKEN_KEY) || "";
    } catch (e) {
      // Storage may be off; the token then lives in the field only.
    }

    function say(text, tone) {
      message.textContent = text;
      message.className = "small mt-2 mb-0" + (tone ? " text-" + tone : "");
    }

    function buttons() {
      var token = tokenInput.value.trim();
      startButton.disabled = running || file === null || (authEnabled && token === "");
      pauseButton.disabled = !running;
      resumeButton.disabled = running || upload === null;
      widget.setAttribute("data-state", running ? "uploading" : upload === null ? "idle" : "paused");
    }

    function showProgress(sent, total) {
      var percent = total > 0 ? Math.min(100, (100 * sent) / total) : 0;
      bar.style.width = percent.toFixed(1) + "%";
      progress.setAttribute("aria-valuenow", percent.toFixed(1));
      progress.setAttribute("aria-valuetext", formatBytes(sent) + " of " + formatBytes(total));
    }

    function choose(chosen) {
      if (running) {
        return;
      }
      file = chosen || null;
      upload = null;
      showProgress(0, 1);
      say(file === null ? "" : file.name + " (" + formatBytes(file.size) + ") is ready to upload.");
      buttons();
    }

    tokenInput.addEventListener("input", function () {
      try {
        if (tokenInput.value.trim() === "") {
          window.sessionStorage.removeItem(TOKEN_KEY);
        } else {
          window.sessionStorage.setItem(TOKEN_KEY, tokenInput.value.trim());
        }
      } catch (e) {
        // As above.
      }
      buttons();
    });

    fileInput.addEventListener("change", function () {
      choose(fileInput.files && fileInput.files[0]);
    });

    ["dragenter", "dragover"].forEach(function (type) {
      drop.addEventListener(type, function (event) {
        event.preventDefault();
        drop.classList.add("drag-over");
      });
    });
    ["dragleave", "drop"].forEach(function (type) {
      drop.addEventListener(type, function (event) {
        event.preventDefault();
        drop.classList.remove("drag-over");
      });
    });
    drop.addEventListener("drop", function (event) {
      var files = event.dataTransfer && event.dataTransfer.files;
      if (files && files.length > 0) {
        choose(files[0]);
      }
    });

    function begin() {
      running = true;
      buttons();
      upload.start();
    }

    startButton.addEventListener("click", function () {
      if (file === null) {
        return;
      }
      var token = tokenInput.value.trim();
      var chosen = file;
      upload = new window.tus.Upload(chosen, {
        endpoint: endpoint,
        chunkSize: Number(widget.getAttribute("data-chunk-size")) || 8 * 1024 * 1024,
        retryDelays: [0, 1000, 3000, 5000, 10000],
        metadata: { filename: chosen.name, target_mode: document.getElementById("upload-mode").value },
        headers: token === "" ? {} : { Authorization: "Bearer " + token },
        removeFingerprintOnSuccess: true,
        onProgress: function (sent, total) {
          showProgress(sent, total);
          say("Uploading " + chosen.name + ": " + formatBytes(sent) + " of " + formatBytes(total) + ".");
        },
        onSuccess: function (payload) {
          running = false;
          showProgress(chosen.size, chosen.size);
          var fileId = fileIdOf(payload && payload.lastResponse);
          if (fileId !== null) {
            widget.setAttribute("data-file-id", fileId);
          }
          say("Uploaded " + chosen.name + (fileId === null ? "." : " as file " + fileId + "."), "success");
          upload = null;
          file = null;
          buttons();
          widget.setAttribute("data-state", "done");
          refresh();
        },
        onError: function (error) {
          running = false;
          buttons();
          widget.setAttribute("data-state", "failed");
          say("The upload stopped: " + (error && error.message ? error.message : String(error))
            + " Resume continues from the last byte the server acknowledged.", "danger");
        }
      });
      // A file chosen again after an interruption continues where the server left it.
      upload.findPreviousUploads().then(function (previous) {
        if (previous.length > 0) {
          upload.resumeFromPreviousUpload(previous[0]);
        }
        begin();
      }, begin);
    });

    pauseButton.addEventListener("click", function () {
      if (upload === null) {
        return;
      }
      running = false;
      upload.abort();
      say("Paused. Resume continues from the last byte the server acknowledged.");
      buttons();
    });

    resumeButton.addEventListener("click", function () {
      if (upload !== null) {
        say("Resuming…");
        begin();
      }
    });

    widget.hidden = false;
    buttons();
  }

  // --- Start ---

  var indicator = document.getElementById("live-indicator");
  if (indicator) {
    indicator.textContent = "Live \u00b7 every " + Math.round(refreshMs / 1000) + " s";
    indicator.classList.remove("d-none");
  }
  document.addEventListener("visibilitychange", onVisibilityChange);
  window.addEventListener("resize", resizeCharts);
  drawCharts();
  setUpWidget();
  // The server has just rendered the page: the first fetch can wait one period.
  schedule();
})();
