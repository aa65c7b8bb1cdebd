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

// Benchmarks and tests read when each chart last painted which revision of its figure.
function recordPaint(name, rev) {
  requestAnimationFrame(() => {
    window.__truceDrawn ??= {};
    window.__truceDrawn[name] = { rev, t: performance.now() };
  });
}

// The redraws waiting to run (view -> its draw function). One queue for the page: every chart widget
// loads its own copy of this module.
const queue = (window.__truceRedraws ??= { pending: new Map(), queued: false });
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
function schedule(view, draw) {
  queue.pending.set(view, draw);
  if (!queue.queued) setTimeout(drawPending);
  queue.queued = true;
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
    div.style.width = "100%";
    div.style.height = `${model.get("height")}px`;
    el.appendChild(div);
    const Plotly = await loadPlotly(model.get("plotly_url"));
    const config = { displayModeBar: false, responsive: true };
    let shown = null; // the figure object drawn last: a new one from Python means a full react
    async function draw(replot) {
      const figure = model.get("figure");
      try {
        if (replot || figure !== shown) {
          const data = figure.data ?? [];
          // Plotly.react animates every change of a Sankey for half a second (links fade in from
          // invisible, nodes glide: fixed d3 transitions in plotly.js), some 25 extra frames per week
          // that compete with the next week's redraw. A new plot shows the week at once, for less work.
          const draw = data.some((trace) => trace.type === "sankey") ? Plotly.newPlot : Plotly.react;
          await draw(div, data, figure.layout ?? {}, config);
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
    await draw(true);
    return () => {
      queue.pending.delete(update);
      Plotly.purge(div);
    };
  },
};
