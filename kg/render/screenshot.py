"""A PNG of a rendered page, taken with Playwright driving Debian's chromium (no browser download)."""
from __future__ import annotations

import os
from pathlib import Path

from kg.errors import E_NO_CHROMIUM, E_NO_PLAYWRIGHT, E_SCREENSHOT, KgError

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def screenshot(html: str | Path, png: str | Path, *, width: int = 1600, height: int = 1000, pixel_ratio: float = 2,
               chromium: str = CHROMIUM) -> Path:
    """Open ``html`` offline in headless chromium, wait for the first drawing, save the viewport as ``png``.

    Drawn at ``pixel_ratio`` device pixels per CSS pixel, so labels stay legible when the image is zoomed.
    """
    if not os.access(chromium, os.X_OK):
        raise KgError(E_NO_CHROMIUM.format(path=chromium))
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise KgError(E_NO_PLAYWRIGHT) from None
    png = Path(png)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            try:
                context = browser.new_context(offline=True, viewport={"width": width, "height": height},
                                              device_scale_factor=pixel_ratio)
                page = context.new_page()
                page.goto(Path(html).resolve().as_uri(), wait_until="load")
                page.wait_for_function("() => window.kg && window.kg.ready", timeout=60_000)
                page.wait_for_timeout(300)
                png.parent.mkdir(parents=True, exist_ok=True)
                tmp = png.with_name(png.name + ".tmp")
                page.screenshot(path=str(tmp), type="png")
                os.replace(tmp, png)
            finally:
                browser.close()
    except PlaywrightError as exc:
        raise KgError(E_SCREENSHOT.format(path=png, reason=str(exc).splitlines()[0])) from None
    return png
