"""PDF export: the print page printed by headless Chromium, a Debian package.

The page is rendered to a temporary folder with the style sheet beside it and no scripts
(everything in it is escaped), and Chromium prints it from disk, so nothing is fetched
over the network. (Turning scripts off in Chromium also turns its printing off.) Without
Chromium the export says so (and browsers can still print the print page to PDF).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

from backend.config import get_settings
from backend.errors import LockstepError

STATIC = Path(__file__).resolve().parents[1] / "static"
_running = threading.BoundedSemaphore(2)  # Chromium is heavy; two prints at a time


class PdfUnavailable(LockstepError):
    status_code = 503


class PdfBusy(LockstepError):
    status_code = 429


def chromium() -> str | None:
    path = (
        get_settings().chromium_path or shutil.which("chromium") or shutil.which("chromium-browser")
    )
    return path if path and os.access(path, os.X_OK) else None


def html_to_pdf(html: str) -> bytes:
    """Print ``html`` (a print page that loads ``app.css`` from beside it) to PDF."""
    exe = chromium()
    if exe is None:
        raise PdfUnavailable(
            "PDF export needs Chromium on the server (Debian package 'chromium'); "
            "use the print page's Print button to save a PDF from your browser"
        )
    if not _running.acquire(blocking=False):
        # Waiting would hold one of the server's worker threads per queued request.
        raise PdfBusy("Other PDFs are being made right now; try again in a few seconds")
    try:
        return _print(exe, html)
    finally:
        _running.release()


def _print(exe: str, html: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix="lockstep-pdf-") as tmp:
        folder = Path(tmp)
        shutil.copy(STATIC / "app.css", folder / "app.css")
        (folder / "page.html").write_text(html, encoding="utf-8")
        out = folder / "page.pdf"
        args = [
            exe,
            "--headless",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            f"--user-data-dir={folder / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={out}",
            (folder / "page.html").as_uri(),
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            args.insert(1, "--no-sandbox")  # Chromium refuses to run its sandbox as root
        try:
            subprocess.run(
                args,
                check=True,
                capture_output=True,
                timeout=get_settings().pdf_timeout_seconds,
                cwd=folder,
            )
        except (subprocess.SubprocessError, OSError) as exc:
            raise PdfUnavailable(
                f"The PDF could not be made ({type(exc).__name__}); try again"
            ) from exc
        if not out.exists() or out.stat().st_size == 0:
            raise PdfUnavailable("The PDF could not be made; try again")
        return out.read_bytes()
