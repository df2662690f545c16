"""Loads the sociale kaart in a process of its own, for `site_builder.check`.

`python -m site_builder.kaart_worker MAP DATUM` writes (kaart, problems) to stdout as a pickle.
A plain subprocess rather than multiprocessing: that would import the caller's main script
again in the new process, which breaks for scripts without an `if __name__ == "__main__"`.
Only our own parent process reads the pickle.
"""

from __future__ import annotations

import datetime as dt
import os

# bandit B403: only between this process and the child it started.
import pickle  # nosec B403
import subprocess
import sys
from pathlib import Path

from sociale_kaart.loader import load_kaart
from sociale_kaart.model import SocialeKaart

from .problems import Problems


def load(kaart_dir: Path, today: dt.date) -> tuple[SocialeKaart, Problems]:
    problems = Problems()
    return load_kaart(kaart_dir, problems, today), problems


# From this many organisation files on, the kaart loads in a process of its own. Starting one
# costs about a second (a fresh Python); 10,000 files take some ten seconds to read and check.
PARALLEL_FROM = 500


def _worth_a_process(kaart_dir: Path) -> bool:
    if (os.cpu_count() or 1) < 2:
        return False
    try:
        with os.scandir(kaart_dir / "organisaties") as entries:
            return sum(1 for _ in entries) >= PARALLEL_FROM
    except OSError:
        return False


class Loading:
    """The kaart being loaded: by a second process when it is large, else here in `result()`."""

    def __init__(self, kaart_dir: Path, today: dt.date) -> None:
        self.kaart_dir, self.today = kaart_dir, today
        self._process = None
        if _worth_a_process(kaart_dir):
            self._process = subprocess.Popen(
                [sys.executable, "-m", __name__, str(kaart_dir), today.isoformat()],
                stdout=subprocess.PIPE,
            )

    def result(self, problems: Problems) -> SocialeKaart:
        """The kaart; its problems are added to `problems`."""
        kaart, found = self._wait()
        problems.extend(found)
        return kaart

    def _wait(self) -> tuple[SocialeKaart, Problems]:
        if self._process is None:
            return load(self.kaart_dir, self.today)
        data, _ = self._process.communicate()
        if self._process.returncode != 0:
            # Its error is on stderr already; the same work here gives the editor the answer.
            return load(self.kaart_dir, self.today)
        # bandit B301: the bytes come from our own child process.
        return pickle.loads(data)  # nosec B301

    def stop(self) -> None:
        """Never leave the second process behind (when checking the pages failed, say)."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.communicate()


def main(argv: list[str]) -> int:
    kaart_dir, today = Path(argv[0]), dt.date.fromisoformat(argv[1])
    sys.stdout.buffer.write(pickle.dumps(load(kaart_dir, today), pickle.HIGHEST_PROTOCOL))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
