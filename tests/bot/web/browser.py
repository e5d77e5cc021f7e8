"""Headless Chromium (Debian's package) driven by Playwright, for the console's browser
tests; each main page's screenshot is kept in build/screenshots/ to look at."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

CHROMIUM = os.environ.get("CAITIEN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(os.environ.get("CAITIEN_SCREENSHOTS")
                   or Path(__file__).resolve().parents[3] / "build" / "screenshots")


async def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
