"""A real headless browser (Debian's chromium, which CI installs) measuring how a page
lays out at a given window width."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

MEASURE = """<script>
window.addEventListener('load', () => {
  const tables = [...document.querySelectorAll('table')].map(t =>
    [...t.querySelectorAll('thead th')].map(th =>
      [th.textContent, Math.round(th.getBoundingClientRect().width)]));
  const rows = [...document.querySelectorAll('tbody tr')].map(
    r => r.getBoundingClientRect().height);
  const out = {scrollWidth: document.documentElement.scrollWidth,
               innerWidth: window.innerWidth, tables: tables,
               tallestRow: Math.max(0, ...rows), rows: rows.length};
  const pre = document.createElement('pre');
  pre.id = 'noisefa-layout';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>"""


def browser() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        reason = "no headless browser (apt-get install chromium)"
        if os.environ.get("NOISEFA_REQUIRE_BROWSER"):
            pytest.fail(reason)
        pytest.skip(reason)
    return found


def layout(page: Path, width: int, scratch: Path) -> dict:
    """Column widths, the tallest table row and the page's scroll width, as the browser
    lays out `page` in a window `width` pixels wide."""
    measured = scratch / f"measured-{page.name}"
    measured.write_text(page.read_text().replace("</body>", MEASURE + "</body>"))
    done = subprocess.run(
        [browser(), "--headless", "--no-sandbox", "--disable-gpu", f"--window-size={width},900",
         "--virtual-time-budget=5000", "--dump-dom", measured.as_uri()],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    found = re.search(r'<pre id="noisefa-layout">(.*?)</pre>', done.stdout)
    assert found, f"the browser measured nothing: {done.stderr[-1000:]}"
    return json.loads(found.group(1))
