"""Time remaining of a long stage, from its pace so far: for the CLI's progress bar and the app's jobs."""

from __future__ import annotations

import time


class Pace:
    """Remembers when each stage started and estimates its time remaining.

    Examples:
        >>> pace = Pace(clock=iter([0.0, 10.0]).__next__)
        >>> pace.remaining("plongements", 0, 100)
        >>> pace.remaining("plongements", 25, 100)
        30.0
    """

    def __init__(self, clock=time.monotonic) -> None:  # noqa: ANN001
        self.clock = clock
        self.stage: str | None = None
        self.started = 0.0
        self.first_done = 0

    def remaining(self, stage: str, done: int, total: int) -> float | None:
        """Seconds left in the stage at this pace; None until some work has been timed."""
        now = self.clock()
        if stage != self.stage or done < self.first_done:
            self.stage, self.started, self.first_done = stage, now, done
            return None
        elapsed, progressed = now - self.started, done - self.first_done
        if progressed <= 0 or elapsed <= 0:
            return None
        return elapsed / progressed * max(0, total - done)


def duration(seconds: float) -> str:
    """« 45 s », « 3 min 20 s », « 1 h 05 min »: a duration as a reader says it.

    Examples:
        >>> duration(200)
        '3 min 20 s'
        >>> duration(3900)
        '1 h 05 min'
    """
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"
