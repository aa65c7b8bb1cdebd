// A plotly.js chart redrawn in place whenever Python sends a new figure or the new points of one.
// plotly.js is loaded once per page from the local asset cache and shared by every chart.
// The coming week, offered while the page is idle, is drawn into a hidden second plot, and the Step
// that makes it only swaps the two: plotly.js's redraw then runs before the click, not after it.
// The charts whose updates have arrived are redrawn together in one task as soon as the page is free
// (waiting for the next animation frame left the page idle for up to a frame per step), and updates
// that arrive meanwhile collapse into the next redraw: a fast-playing model never builds a backlog in
// the browser.

function loadPlotly(url) {
  window.__trucePlotly ??= fetch(url)
    .then((response) => {
      if (!response.ok) throw new Error(`plotly.js: HTTP ${response.status} for ${url}`);
      return response.text();
    })
    .then((source) => {
      const module = { exports: {} };
      new Function("module", "exports", source)(module, module.exports);
      return module.exports;
    });
  return window.__trucePlotly;
}

const escape = (text) => String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

// A diagram laid out in Python: filled shapes in shares of the chart's width and height, stretched
// to the chart by an inner viewBox (filled shapes stretch without distortion, lines and text would
// not), and labels placed by percentages, so it fits any width without being laid out again here.
function drawDiagram(div, { shapes, texts }) {
  const paths = shapes
    .map((s) => `<path d="${s.d}" fill="${s.fill}">${s.title ? `<title>${escape(s.title)}</title>` : ""}</path>`)
    .join("");
  const labels = texts
    .map(
      (t) =>
        `<text x="${100 * t.x}%" y="${100 * t.y}%" text-anchor="${t.anchor}" ` +
        `dominant-baseline="${t.baseline}" font-size="${t.size}">${escape(t.text)}</text>`,
    )
    .join("");
  div.innerHTML =
    `<svg class="truce-diagram" width="100%" height="100%">` +
    `<svg viewBox="0 0 1 1" preserveAspectRatio="none" width="100%" height="100%">${paths}</svg>` +
    `${labels}</svg>`;
}

// The legend of a figure, drawn once per figure beside the plot (plotly.js would redraw its own on
// every week: an eighth of a line chart's redraw, measured): side by side, first the line style of
// each design, then the series.
const DASHES = { solid: "", dash: "9,5", dot: "3,3" };
function legendItem(name, { color = "#222", width = 2, dash = "solid" }, kind = "series") {
  const swatch =
    `<svg width="32" height="10"><line x1="1" y1="5" x2="31" y2="5" stroke="${color}" ` +
    `stroke-width="${width}" stroke-dasharray="${DASHES[dash] ?? ""}"/></svg>`;
  return `<span class="truce-legend-item truce-legend-${kind}">${swatch}${escape(name)}</span>`;
}
function drawLegend(legend, { data = [], designs = [] }) {
  const series = data.filter((trace) => trace.showlegend !== false && trace.name);
  legend.innerHTML =
    designs.map((d) => legendItem(d.name, { color: "#555", width: 3, dash: d.dash }, "design")).join("") +
    series.map((trace) => legendItem(trace.legendgroup ?? trace.name, trace.line ?? {})).join("");
}

// Benchmarks and tests read when each chart last painted which revision of its figure.
function recordPaint(name, rev) {
  requestAnimationFrame(() => {
    window.__truceDrawn ??= {};
    window.__truceDrawn[name] = { rev, t: performance.now() };
  });
}

// The redraws waiting to run (view -> its draw function). One queue for the page: every chart widget
// loads its own copy of this module. A step updates every chart, one message each: the redraw waits
// until all of them have come (or `GATHER_MS`, for an update of fewer charts), so the page paints once
// per step instead of once per batch of messages that happened to have arrived.
const GATHER_MS = 40;
const queue = (window.__truceRedraws ??= { pending: new Map(), views: new Set(), queued: false, timer: null });
async function drawPending() {
  const draws = [...queue.pending.values()];
  queue.pending.clear();
  try {
    await Promise.all(draws.map((run) => run()));
  } finally {
    queue.queued = queue.pending.size > 0; // arrived while drawing
    if (queue.queued) setTimeout(drawPending);
  }
}
function start() {
  clearTimeout(queue.timer);
  queue.timer = null;
  queue.queued = true;
  setTimeout(drawPending);
}
function schedule(view, draw) {
  queue.pending.set(view, draw);
  if (queue.queued) return; // the redraw under way draws this next
  if ([...queue.views].every((v) => queue.pending.has(v))) start();
  else queue.timer ??= setTimeout(start, GATHER_MS);
}

// Drawing offered weeks in advance: one chart per task, and only while no redraw is waiting, so a
// click or an update never waits for more than one chart's draw.
const idle = (window.__truceIdle ??= { tasks: [], busy: false });
function runIdle() {
  if (queue.queued || queue.pending.size) {
    setTimeout(runIdle, 5);
    return;
  }
  const task = idle.tasks.shift();
  if (!task) {
    idle.busy = false;
    return;
  }
  Promise.resolve()
    .then(task)
    .catch((error) => setTimeout(() => {
      throw error;
    }))
    .finally(() => setTimeout(runIdle));
}
function whenIdle(task) {
  idle.tasks.push(task);
  if (!idle.busy) {
    idle.busy = true;
    setTimeout(runIdle);
  }
}

export default {
  initialize({ model }) {
    // {base, rev, points: [[x...], [y...]] | null per trace}: append to the figure the model holds
    // (revision `base`), so a view rendered later still starts from the whole current figure.
    // An offer ({offer: true, ...}) is only drawn ahead by the views; the figure stays as it is.
    model.on("msg:custom", ({ offer, base, rev, points }) => {
      if (offer) return;
      const figure = model.get("figure");
      if (figure.rev !== base) {
        model.send({ resync: true }); // points missed: Python sends the whole figure
        return;
      }
      points.forEach((xy, i) => {
        if (!xy) return;
        const trace = figure.data[i];
        trace.x = trace.x.concat(xy[0]); // new arrays: Plotly.react compares arrays by identity
        trace.y = trace.y.concat(xy[1]);
      });
      figure.rev = rev; // then each view's own handler (registered later, so called later) redraws
    });
  },

  async render({ model, el }) {
    const div = document.createElement("div");
    div.className = "truce-chart";
    div.dataset.chart = model.get("name");
    // At least this tall; taller when a long title or legend wraps (the plot keeps its least height).
    div.style.minHeight = `${model.get("height")}px`;
    const [title, plot, legend] = ["title", "plot", "legend"].map((part) => {
      const child = div.appendChild(document.createElement("div"));
      child.className = `truce-${part === "title" ? "chart-title" : part}`;
      return child;
    });
    // Two plots on top of each other: the one on show, and the hidden one the coming week is
    // drawn into while the page is idle.
    let [front, back] = [0, 1].map(() => plot.appendChild(document.createElement("div")));
    front.className = "truce-buffer truce-front";
    back.className = "truce-buffer truce-back";
    el.appendChild(div);
    const Plotly = await loadPlotly(model.get("plotly_url"));
    const config = { displayModeBar: false };
    // The plots fill what the title and legend leave: refit them when that changes (a new language,
    // a resize).
    const resized = new ResizeObserver(() => {
      for (const buffer of [front, back]) if (buffer.data) Plotly.Plots.resize(buffer);
    });
    resized.observe(plot);
    // A facilitator's zoom lives in the plot on show: while it lasts, weeks are drawn there.
    let zoomed = false;
    const watchZoom = (buffer) => {
      if (buffer.__truceWatched || !buffer.on) return;
      buffer.__truceWatched = true;
      buffer.on("plotly_relayout", (change) => {
        const keys = Object.keys(change).filter((key) => /axis\d*\.(range|autorange)/.test(key));
        if (keys.length) zoomed = keys.some((key) => key.includes(".range"));
      });
    };
    const react = async (buffer, data, layout) => {
      // The config never changes: given again, plotly.js would rebuild and compare its context.
      await Plotly.react(buffer, data, layout, buffer.data === undefined ? config : undefined);
      watchZoom(buffer);
    };
    const forget = (buffer) => {
      if (buffer.data === undefined) return;
      Plotly.purge(buffer);
      buffer.replaceChildren();
      buffer.__truceWatched = false; // purge removes the plot's event listeners too
    };
    let shown = null; // the figure object drawn last: a new one from Python means a full react
    let ahead = null; // the offered week: {base, figure, ready}, drawn into `back` when idle

    function offer(base, points) {
      const figure = model.get("figure");
      if (zoomed || figure.diagram || figure !== shown || figure.rev !== base) return;
      const mine = (ahead = { base, figure, ready: false });
      whenIdle(async () => {
        if (ahead !== mine || model.get("figure") !== figure || figure.rev !== base) return;
        const data = figure.data.map((trace, i) => {
          const xy = points[i];
          return xy ? { ...trace, x: trace.x.concat(xy[0]), y: trace.y.concat(xy[1]) } : { ...trace };
        });
        await react(back, data, structuredClone(figure.layout));
        mine.ready = true;
      });
    }

    async function draw(replot, swap) {
      const figure = model.get("figure");
      try {
        if (figure !== shown) {
          title.textContent = figure.title ?? "";
          drawLegend(legend, figure);
          forget(back); // a new figure (language, marker, reset): what was drawn ahead is stale
        }
        const offered = ahead;
        // What was offered is now swapped in or stale, unless it was offered on top of the revision
        // drawn now (on a busy machine the offer can come before this draw): that one still holds.
        ahead = offered?.figure === figure && offered.base === figure.rev ? offered : null;
        if (figure.diagram) {
          if (figure !== shown) drawDiagram(front, figure.diagram);
          shown = figure;
        } else if (swap && !zoomed && offered?.ready && offered.figure === figure && offered.base === swap) {
          [front, back] = [back, front]; // the week was drawn ahead: show it
          front.classList.replace("truce-back", "truce-front"); // plotly.js's own classes stay
          back.classList.replace("truce-front", "truce-back");
        } else if (replot || figure !== shown) {
          await react(front, figure.data ?? [], figure.layout ?? {});
          shown = figure;
        }
        div.dataset.rev = figure.rev ?? "";
        recordPaint(model.get("name"), figure.rev);
      } catch (error) {
        // Keep drawing later figures, but let the failure surface as a page error.
        setTimeout(() => {
          throw error;
        });
      }
    }
    // Several updates before the frame: one draw, a replot if any of them brought points. `swap`
    // is the base of the one update collected, if it brought the offered points (else false).
    let replot = false;
    let swap = null;
    const update = (points, base = false) => {
      replot ||= points;
      swap = swap === null ? base : false;
      schedule(update, () => {
        const [again, offered] = [replot, swap];
        replot = false;
        swap = null;
        return draw(again, offered);
      });
    };
    model.on("change:figure", () => update(false));
    model.on("msg:custom", ({ offer: isOffer, base, points, offered }) => {
      if (isOffer) offer(base, points);
      else update(points.some((xy) => xy?.[0].length), offered ? base : false);
    });
    if (model.get("gather")) queue.views.add(update);
    await draw(true, false);
    return () => {
      queue.views.delete(update);
      queue.pending.delete(update);
      ahead = null;
      resized.disconnect();
      Plotly.purge(front);
      Plotly.purge(back);
    };
  },
};
