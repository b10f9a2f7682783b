"""The progress bar of ``nguon-search``: on a terminal one redrawn line, elsewhere a line now and
then; done/total, items per second and the time left, from a fake clock."""

from nguon.search.commands.progress import Progress

import io


class Stream(io.StringIO):
    def __init__(self, tty):
        super().__init__()
        self.tty = tty

    def isatty(self):
        return self.tty


class Clock:
    now = 100.0

    def __call__(self):
        return self.now


def test_the_line_shows_the_bar_the_count_the_rate_and_the_time_left():
    clock = Clock()
    progress = Progress(1000, stream=Stream(False), clock=clock, width=10)
    clock.now += 10
    line = progress.line(250)
    assert "[██░░░░░░░░] 250/1000" in line  # 2.5 of 10 cells, rounded down
    assert "25 mục/giây" in line and "còn 0:30" in line
    assert progress.line(1000).endswith("còn 0:00")
    assert Progress(5, stream=Stream(False), clock=clock).line(0).endswith("còn ?")
    assert "0/0" in Progress(0, stream=Stream(False), clock=clock).line(0)


def test_long_waits_read_in_hours():
    clock = Clock()
    progress = Progress(100_000, stream=Stream(False), clock=clock)
    clock.now += 10
    assert progress.line(2).endswith("còn 138:53:10")  # 99,998 items at 0.2 a second


def test_on_a_terminal_it_redraws_one_line_at_most_ten_times_a_second():
    clock, stream = Clock(), Stream(True)
    progress = Progress(10, stream=stream, clock=clock)
    progress.update(0, force=True)
    for done in range(1, 10):
        clock.now += 0.0078125
        progress.update(done)  # sooner than 0.1 s after the last drawing: not drawn
    clock.now += 0.25
    progress.update(10)
    progress.finish()
    text = stream.getvalue()
    assert text.count("\r") == 3  # the first, the one 0.25 s later, and the last
    assert "10/10" in text.rsplit("\r", 1)[1] and text.endswith("\x1b[K\n")
    assert "\n" not in text[:-1]


def test_in_a_log_it_writes_whole_lines_now_and_then_and_always_the_last():
    clock, stream = Clock(), Stream(False)
    progress = Progress(100, stream=stream, clock=clock, every=5.0)
    progress.update(0, force=True)
    for done in range(1, 101):
        clock.now += 0.125
        progress.update(done)
    progress.finish()
    lines = stream.getvalue().splitlines()
    assert "\r" not in stream.getvalue()
    counts = [line.split("] ")[1].split()[0] for line in lines]
    assert counts == ["0/100", "40/100", "80/100", "100/100"]
    assert "100/100" in lines[-1]
