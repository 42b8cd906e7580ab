"""Records a run line by line for PyRoad's Step through view.

For each line the learner's code is about to run, and each call, return and exception in it,
a step holds the line, the call stack (outermost first) with each frame's variables, and how much
had been printed. Values are shown as bounded text. Lists, dicts, sets, tuples and the learner's
own objects are numbered (#1, #2…) and listed once a step with their contents, so two names bound
to one list show the same number: that is aliasing, made visible. The learner's own `__repr__`
and `__str__` are never called (they could loop or raise); their objects show their attributes.

Only code compiled under the runner's file name for the learner's program is recorded; library
code runs untraced. At LIMIT steps the program is stopped, and the trace says it was cut.
"""

import sys
import types

LIMIT = 1000
TEXT_LIMIT = 60  # characters of a string or a number shown
ITEMS_LIMIT = 20  # items of a container shown, then "…"
OUTPUT_LIMIT = 100_000


_SUSPENDS = 0x2A0  # CO_GENERATOR | CO_COROUTINE | CO_ASYNC_GENERATOR


class StepLimit(BaseException):
    """Raised into the program at LIMIT steps. A BaseException, so `except Exception` in the
    learner's code doesn't swallow it."""


class Recorder:
    def __init__(self, filename):
        self.filename = filename
        self.steps = []
        self.numbers = {}  # id(obj) -> its number in the view
        self.kept = []  # the numbered objects, kept alive so that no id is reused mid-run
        self.printed = []
        self.printed_length = 0
        self.cut = False
        self.unwinding = None  # the frame an exception is leaving, if any

    # --- Output: what was printed by each step --------------------------------------------

    def tee(self, stream):
        recorder = self

        class Tee:
            def write(self, text):
                if recorder.printed_length < OUTPUT_LIMIT:
                    recorder.printed.append(text)
                recorder.printed_length += len(text)
                return stream.write(text)

            def __getattr__(self, name):
                return getattr(stream, name)

        return Tee()

    # --- Tracing ----------------------------------------------------------------------------

    def start(self):
        self.streams = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = self.tee(sys.stdout), self.tee(sys.stderr)
        sys.settrace(self.trace)

    def stop(self):
        sys.settrace(None)
        sys.stdout, sys.stderr = self.streams

    def trace(self, frame, event, arg):
        if frame.f_code.co_filename != self.filename:
            return None  # not the learner's program: its lines aren't steps
        if event == "call" and not _learners(frame.f_back, self.filename):
            return self.trace  # the program starting: its first line is the first step
        if event == "return" and (frame.f_code.co_flags & _SUSPENDS or frame is self.unwinding):
            # A generator pausing at `yield`, or a frame an exception leaves: no value returned.
            return self.trace
        self.unwinding = frame if event == "exception" else None
        self.record(frame, event, arg)
        return self.trace

    def record(self, frame, event, arg):
        if len(self.steps) >= LIMIT:
            self.cut = True
            sys.settrace(None)
            raise StepLimit(f"stopped after {LIMIT} steps")
        objects = {}
        frames = []
        stack = []
        f = frame
        while f is not None:
            if _learners(f, self.filename):
                stack.append(f)
            f = f.f_back
        for f in reversed(stack):
            variables = [
                [name, self.show(value, objects)]
                for name, value in list(f.f_locals.items())
                if not (name.startswith("__") and name.endswith("__"))
            ]
            if f is frame and event == "return" and len(stack) > 1:  # the program's end returns nothing
                variables.append(["Return value", self.show(arg, objects)])
            name = f.f_code.co_qualname if f.f_back is not None else "<module>"
            frames.append({"name": name, "line": f.f_lineno, "variables": variables})
        step = {
            "line": frame.f_lineno,
            "event": event,
            "frames": frames,
            "objects": [[n, text] for n, text in sorted(objects.items())],
            "printed": min(self.printed_length, OUTPUT_LIMIT),
        }
        if event == "exception":
            kind, value, _ = arg
            step["exception"] = f"{kind.__name__}: {_safe_str(value)}"
        self.steps.append(step)

    def result(self):
        return {
            "steps": self.steps,
            "printed": "".join(self.printed)[:OUTPUT_LIMIT],
            "cut": self.cut,
            "limit": LIMIT,
        }

    # --- Values as text -------------------------------------------------------------------

    def show(self, value, objects, depth=0):
        """The text of a value; containers and the learner's objects as "#n", described in
        `objects` (up to three levels deep)."""
        kind = type(value)
        if value is None or kind in (bool, float, complex):
            return repr(value)
        if kind is int:
            return repr(value) if value.bit_length() < 190 else f"<int of {len(str(value.bit_length()))}+ digits>"
        if kind in (str, bytes):
            text = repr(value[: TEXT_LIMIT + 1])
            return text if len(value) <= TEXT_LIMIT else text[:-1] + "…" + text[-1]
        if kind in (types.FunctionType, types.BuiltinFunctionType):
            return f"function {value.__qualname__}"
        if kind is types.MethodType:  # its repr would show the object's, which may be the learner's
            return f"method {value.__func__.__qualname__}"
        if isinstance(value, type):
            return f"class {value.__qualname__}"
        if kind is types.ModuleType:
            return f"module {value.__name__}"
        if not self.numbered(value):
            return _library_text(value)
        number = self.number(value)
        if number not in objects and depth < 3:
            objects[number] = ""  # placeholder: a container that holds itself stops here
            objects[number] = self.describe(value, objects, depth + 1)
        return f"#{number}"

    def numbered(self, value):
        """Containers, and objects whose repr would be Python code (perhaps the learner's) or
        say nothing but an address: these are shown by their parts."""
        if isinstance(value, (list, tuple, dict, set, frozenset)):
            return True
        shown_by = type(value).__repr__
        return shown_by is object.__repr__ or hasattr(shown_by, "__code__")

    def number(self, value):
        key = id(value)
        if key not in self.numbers:
            self.numbers[key] = len(self.numbers) + 1
            self.kept.append(value)
        return self.numbers[key]

    def describe(self, value, objects, depth):
        def items(values):
            values = list(values)
            shown = [self.show(v, objects, depth) for v in values[:ITEMS_LIMIT]]
            if len(values) > ITEMS_LIMIT:
                shown.append(f"… {len(values) - ITEMS_LIMIT} more")
            return ", ".join(shown)

        name = type(value).__qualname__
        if isinstance(value, dict):
            pairs = list(value.items())
            text = ", ".join(
                f"{self.show(k, objects, depth)}: {self.show(v, objects, depth)}" for k, v in pairs[:ITEMS_LIMIT]
            )
            more = f", … {len(pairs) - ITEMS_LIMIT} more" if len(pairs) > ITEMS_LIMIT else ""
            return f"{name} {{{text}{more}}}"
        if isinstance(value, list):
            return f"{name} [{items(value)}]"
        if isinstance(value, tuple):
            if hasattr(value, "_fields"):  # a named tuple
                return f"{name} ({', '.join(f'{k}={self.show(v, objects, depth)}' for k, v in zip(value._fields, value))})"
            return f"{name} ({items(value)}{',' if len(value) == 1 else ''})"
        if isinstance(value, (set, frozenset)):
            return f"{name} {{{items(value)}}}"
        try:
            attributes = object.__getattribute__(value, "__dict__")
        except AttributeError:
            attributes = {}
        text = ", ".join(f"{k}={self.show(v, objects, depth)}" for k, v in list(attributes.items())[:ITEMS_LIMIT])
        return f"{name} ({text})"


def _learners(frame, filename):
    return frame is not None and frame.f_code.co_filename == filename


def _library_text(value):
    """repr() of a library object (a range, a deque, a date…), bounded."""
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - an object that can't be shown is named instead
        text = f"<{type(value).__name__} object>"
    return text if len(text) <= TEXT_LIMIT else text[: TEXT_LIMIT - 1] + "…"


def _safe_str(exception):
    try:
        text = str(exception)
    except Exception:  # noqa: BLE001
        text = ""
    return text if len(text) <= 200 else text[:199] + "…"
