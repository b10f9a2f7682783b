"""The progress bar of long deliveries, drawn by tqdm: bar, done/total, items per second, time
left, in Vietnamese.

On a terminal it redraws one line at most ten times a second; otherwise (a log, a pipe) it
writes whole lines, at most one every ``every`` seconds, and always the last one."""

from tqdm import tqdm

import sys
import time


LINE = "nguon: {desc} [{bar:%d}] {n}/{total} {speed:.0f} mục/giây, còn {left}"


class Progress:
    """``update(done)`` with the count done so far; ``finish()`` draws the last line."""

    def __init__(
        self,
        total,
        label="gửi tới Solr",
        stream=None,
        clock=time.monotonic,
        width=30,
        every=5.0,
    ):
        stream = stream or sys.stderr
        tty = getattr(stream, "isatty", lambda: False)()
        self.bar = _Bar(
            total=total,
            desc=label,
            file=stream,
            clock=clock,
            tty=tty,
            bar_format=LINE % width,
            ascii="░█",
            mininterval=0.1 if tty else every,
            miniters=1,
            leave=False,
        )

    def line(self, done):
        return self.bar.line(done)

    def update(self, done, force=False):
        """Show ``done``: when the interval has passed since the last line, or with ``force``
        now (unless that count is on screen already)."""
        self.bar.update(done - self.bar.n)
        if force and self.bar.shown != done:
            self.bar.refresh()

    def finish(self):
        self.bar.refresh()
        if self.bar.tty:
            self.bar.fp.write("\n")
        self.bar.close()


class _Bar(tqdm):
    """tqdm with its clock given, whole lines when the stream is not a terminal, and the rate
    and time left written as nguon writes them."""

    monitor_interval = 0  # no thread redrawing by the wall clock

    def __init__(self, *arguments, clock, tty, **options):
        self.clock, self.tty, self.shown = clock, tty, None
        super().__init__(*arguments, **options)

    @property
    def _time(self):
        return self.clock

    @_time.setter
    def _time(self, value):
        pass  # tqdm sets the wall clock; the bar keeps the one it was given

    def line(self, done=None):
        values = self.format_dict
        done = self.n if done is None else done
        elapsed = max(values["elapsed"], 1e-9)
        speed = done / elapsed
        if done >= self.total:
            left = "0:00"
        else:
            left = _duration((self.total - done) / speed) if speed else "?"
        return self.format_meter(**{**values, "n": done, "speed": speed, "left": left})

    def display(self, msg=None, pos=None):
        if msg == "":  # close() clears the bar: the last line stays, finish() drew it
            return False
        self.shown = self.n
        if self.tty:
            self.fp.write("\r" + self.line() + "\x1b[K")
        else:
            self.fp.write(self.line() + "\n")
        self.fp.flush()
        return True


def _duration(seconds):
    """[h:]m:ss, as tqdm's format_interval without its leading zero of minutes."""
    left = tqdm.format_interval(round(seconds))
    return left[1:] if left.startswith("0") and len(left) == 5 else left
