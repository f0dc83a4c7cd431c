"""Progress for long management commands: a bar on a terminal, plain lines in logs.

On a terminal, a tqdm bar with the count, the rate and the time left. Anywhere
else (CI, a log file, a pipe), a plain line each time the count passes another
tenth of the total, and a last one at the end if the count stopped elsewhere:

    generate_demo_data: 200000/1000000 entries (20%)

Nothing at all at verbosity 0. Commands give it their stderr, which leaves
stdout to the results (and keeps the bar on the screen when stdout is piped):

    from core.progress import progress

    def handle(self, *args, **options):
        with progress(self.stderr, len(objects), "loaddata", unit="objects",
                      verbosity=options["verbosity"]) as bar:
            for batch in batches:
                save(batch)
                bar.update(len(batch))
"""

import contextlib

from tqdm import tqdm

STEPS = 10  # plain lines: one per tenth of the total


class Lines:
    """Plain progress lines, for output that is not a terminal."""

    def __init__(self, stream, total, desc, unit):
        self.stream, self.total, self.desc, self.unit = stream, total, desc, unit
        self.n = self.written = self.step = 0

    def update(self, n=1):
        self.n += n
        step = self.n * STEPS // self.total if self.total else STEPS
        if step > self.step:
            self.step = step
            self.write()

    def write(self):
        percent = self.n * 100 // self.total if self.total else 100
        # A Django OutputWrapper adds the newline itself only when it is missing.
        self.stream.write(f"{self.desc}: {self.n}/{self.total} {self.unit} ({percent}%)\n")
        self.stream.flush()
        self.written = self.n


@contextlib.contextmanager
def progress(stream, total, desc, unit="items", verbosity=1):
    """Yield an object whose update(n) counts n more of `total` things done.

    `stream` is a command's self.stderr (or self.stdout), or any text stream:
    a bar if it is a terminal, plain lines if not, nothing at verbosity 0.
    """
    if verbosity < 1:
        yield tqdm(total=total, disable=True)
    elif stream.isatty():
        # The bar goes to the stream under Django's OutputWrapper, which would
        # add a newline and a colour to each of tqdm's redraws.
        with tqdm(total=total, desc=desc, unit=unit, file=getattr(stream, "_out", stream)) as bar:
            yield bar
    else:
        lines = Lines(stream, total, desc, unit)
        yield lines
        if lines.n != lines.written:
            lines.write()
