"""What the Chromium tests share: the browser, where screenshots go, axe-core, and page probes.

axe-core comes from the npm lock file (package.json, installed by `make install`
into node_modules/); nothing is fetched while the tests run.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "artifacts" / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def axe_source() -> str:
    if not AXE.exists():
        raise AssertionError(f"{AXE} is missing: run `make install` (npm ci) first")
    return AXE.read_text()


# Every chart drawing shown (the other width's is display: none): its scale on
# screen, each text's box and on-screen font size, and each series' look.
CHARTS = r"""
() => [...document.querySelectorAll('figure.chart svg[role=img]')].flatMap(svg => {
  const box = svg.getBoundingClientRect();
  if (!box.width) return [];
  const scale = box.width / svg.viewBox.baseVal.width;
  const texts = [...svg.querySelectorAll('text')].map(t => {
    const r = t.getBoundingClientRect();
    return {text: t.textContent, size: parseFloat(getComputedStyle(t).fontSize) * scale,
            x0: r.left, y0: r.top, x1: r.right, y1: r.bottom};
  });
  const series = [...svg.querySelectorAll('g[data-series]')].map(g => {
    const line = g.querySelector(':scope > path[fill="none"]');
    const mark = g.querySelector('use[fill], :scope > path[fill]:not([fill="none"])');
    const shape = g.querySelector('defs path');
    return {
      name: g.dataset.series,
      colour: line ? getComputedStyle(line).stroke : getComputedStyle(mark).fill,
      dash: line ? (line.getAttribute('stroke-dasharray') || 'solid') : 'none',
      marker: shape ? shape.getAttribute('d').replace(/\s+/g, ' ') : 'none',
    };
  });
  return [{label: svg.getAttribute('aria-label'), scale, texts, series}];
})
"""

# Tables that stick out of the screen, with no scrolling box of their own to hold them.
OVERFLOWING_TABLES = r"""
() => {
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  const edge = document.documentElement.clientWidth + 1;
  return [...document.querySelectorAll('table')].filter(t => {
    if (t.getBoundingClientRect().right <= edge) return false;
    for (let p = t.parentElement; p; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if ((o === 'auto' || o === 'scroll') && p.getBoundingClientRect().right <= edge) return false;
    }
    return true;
  }).map(t => t.className || t.querySelector('caption')?.textContent || 'table');
}
"""

# The element focused now: its outline as drawn, and whether it is on screen.
FOCUSED = r"""
() => {
  const e = document.activeElement, s = getComputedStyle(e), r = e.getBoundingClientRect();
  return {tag: e.tagName, text: (e.textContent || '').trim().slice(0, 40),
          outline: s.outlineStyle, width: parseFloat(s.outlineWidth),
          shown: r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < innerHeight};
}
"""
