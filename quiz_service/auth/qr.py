"""The QR code that sets up an authenticator app, as the data of one SVG path.

segno computes the modules; the template draws them as a path of filled squares, so the page
needs no image request, no script and no markup from outside the template (autoescaping
stays on: the path data holds only digits, spaces and the letters M, h, v and z).
"""

from __future__ import annotations

from dataclasses import dataclass

import segno

BORDER = 4  # the quiet zone around the code that scanners need, in modules


@dataclass(frozen=True)
class QrPath:
    size: int  # width and height in modules, border included
    d: str  # SVG path data, one unit per module


def qr_path(data: str) -> QrPath:
    code = segno.make_qr(data, error="m")
    rows = list(code.matrix_iter(border=BORDER))
    parts = []
    for y, row in enumerate(rows):
        x = 0
        while x < len(row):
            if not row[x]:
                x += 1
                continue
            start = x
            while x < len(row) and row[x]:
                x += 1
            parts.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
    return QrPath(size=len(rows), d="".join(parts))
