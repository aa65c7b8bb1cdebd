// A plotly.js chart redrawn in place whenever Python sends a new figure or the new points of one.
// plotly.js is loaded once per page from the local asset cache and shared by every chart.
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
    .map((s) => `<path d="${s.d}" fill="${s.fill}"><title>${escape(s.title)}</title></path>`)
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

export default {
  initialize({ model }) {
    // {base, rev, points: [[x...], [y...]] | null per trace}: append to the figure the model holds
    // (revision `base`), so a view rendered later still starts from the whole current figure.
    model.on("msg:custom", ({ base, rev, points }) => {
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
    div.style.height = `${model.get("height")}px`;
    const [title, plot, legend] = ["title", "plot", "legend"].map((part) => {
      const child = div.appendChild(document.createElement("div"));
      child.className = `truce-${part === "title" ? "chart-title" : part}`;
      return child;
    });
    el.appendChild(div);
    const Plotly = await loadPlotly(model.get("plotly_url"));
    const config = { displayModeBar: false };
    // The plot fills what the title and legend leave: refit it when that changes (a new language, a
    // resize).
    const resized = new ResizeObserver(() => plot.data && Plotly.Plots.resize(plot));
    resized.observe(plot);
    let shown = null; // the figure object drawn last: a new one from Python means a full react
    async function draw(replot) {
      const figure = model.get("figure");
      try {
        if (figure !== shown) {
          title.textContent = figure.title ?? "";
          drawLegend(legend, figure);
        }
        if (figure.diagram) {
          if (figure !== shown) drawDiagram(plot, figure.diagram);
          shown = figure;
        } else if (replot || figure !== shown) {
          // The config never changes: given again, plotly.js would rebuild and compare its context.
          const first = plot.data === undefined;
          await Plotly.react(plot, figure.data ?? [], figure.layout ?? {}, first ? config : undefined);
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
    // Several updates before the frame: one draw, a replot if any of them brought points.
    let replot = false;
    const update = (points) => {
      replot ||= points;
      schedule(update, () => {
        const again = replot;
        replot = false;
        return draw(again);
      });
    };
    model.on("change:figure", () => update(false));
    model.on("msg:custom", ({ points }) => update(points.some((xy) => xy?.[0].length)));
    queue.views.add(update);
    await draw(true);
    return () => {
      queue.views.delete(update);
      queue.pending.delete(update);
      resized.disconnect();
      Plotly.purge(plot);
    };
  },
};
