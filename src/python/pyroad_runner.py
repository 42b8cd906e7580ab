"""PyRoad's side of the Python worker: runs learner code and grades exercises.

The worker hands each request to `handle` whole, as the JSON the page sent (its shapes are
`Request` in src/worker/protocol.rs; tests/protocol/ holds examples and what they return).

Learner code is compiled under the file name "<code>", so tracebacks can be trimmed to the
learner's own lines. Nothing here prints: results go back to the worker as plain dicts.
"""

import builtins
import json
import linecache
import os
import sys
import time
import types

# Modules only some jobs need (ast, traceback, unittest, random, copy) are imported where they
# are used: importing them up front would delay the first Run of every page.

CODE = "<code>"
TESTS = "<tests>"

_namespaces = {}
_hooks = None
# Where the learner's own files go, a working folder each (see `_enter`): modules imported
# from below here are theirs. PYROAD_WORK moves it, for the runner's native tests.
_HOME = os.environ.get("PYROAD_WORK", os.path.expanduser("~")).rstrip(os.sep) + os.sep
_CHECK_FOLDER = "check"
_SCRATCH_FOLDER = "scratch"
_folder = None


def setup(hooks):
    """Receives the worker's JS hooks for input() and time.sleep() (see python-worker.js)."""
    global _hooks
    _hooks = hooks
    builtins.input = _input
    time.sleep = _sleep
    # In the browser, os._exit would end the whole Python runtime, not just the program.
    os._exit = _exit
    # A module file rewritten within the second would otherwise load from its stale .pyc.
    sys.dont_write_bytecode = True
    import asyncio

    asyncio.run = _asyncio_run(asyncio.run)
    sys.modules["pyroad"] = _helper_module()
    import sysconfig

    install_matplotlib_backend(sysconfig.get_path("purelib"))
    adapt_packages()
    # Django refuses database calls from a thread that runs an event loop, to protect data
    # shared between threads; here there is one thread, and programs run inside the loop.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


# --- Servers and processes -----------------------------------------------------------------

SERVER_MESSAGE = (
    "A program can't serve web pages from inside the browser: nothing could connect to it. "
    "Call your app through its test client instead: app.test_client() in Flask, "
    "django.test.Client() in Django."
)


def adapt_packages():
    """Adjusts what can't work as it would on a computer. `app.run()`, `manage.py runserver`
    and `http.server` would wait forever for connections that can't come: they stop at once
    with SERVER_MESSAGE instead. Plotly's `fig.show()` would open a browser: it shows the
    chart in the output. The rest as `_PatchOnImport` lists."""
    import socket

    socket.socket.listen = _refuse_to_serve
    sys.meta_path.insert(0, _PatchOnImport())


def _refuse_to_serve(*args, **kwargs):
    raise OSError(SERVER_MESSAGE)


class _HookFilesOnly:
    """dulwich runs a Git hook by starting its file as a process, and counts a missing file as
    no hook; processes can't start here, so a missing file is found missing first."""

    @staticmethod
    def call(args, cwd=None, **kwargs):
        if not os.path.exists(os.path.join(cwd or ".", args[0])):
            raise FileNotFoundError(args[0])
        import subprocess

        return subprocess.call(args, cwd=cwd, **kwargs)


def _no_run_simple(module):
    # Werkzeug (Flask's app.run) turns a failed listen into a bare exit.
    module.run_simple = _refuse_to_serve


def _no_runserver(module):
    # runserver starts a second process to reload on changes before it would listen.
    module.Command.handle = _refuse_to_serve


def _hooks_without_processes(module):
    module.subprocess = _HookFilesOnly


def _plotly_in_page(module):
    # Made the default where plotly would pick a browser tab or a notebook.
    from plotly.io._base_renderers import ExternalRenderer

    class InPage(ExternalRenderer):
        def render(self, fig_dict):
            from plotly.io.json import to_json_plotly

            title = fig_dict.get("layout", {}).get("title", {})
            alt = title.get("text") if isinstance(title, dict) else title
            show_chart(to_json_plotly(fig_dict), alt or "A chart without a title")

    module.renderers["pyroad"] = InPage()
    module.renderers.default = "pyroad"


class _PatchOnImport:
    """A finder that adjusts a few packages' modules for the browser as they are imported."""

    PATCHES = {
        "django.core.management.commands.runserver": _no_runserver,
        "dulwich.hooks": _hooks_without_processes,
        "plotly.io._renderers": _plotly_in_page,
        "werkzeug.serving": _no_run_simple,
    }

    def find_spec(self, name, path, target=None):
        patch = self.PATCHES.get(name)
        if patch is None:
            return None
        from importlib.machinery import PathFinder

        spec = PathFinder.find_spec(name, path, target)
        if spec is not None and spec.loader is not None:
            execute = spec.loader.exec_module

            def exec_module(module):
                execute(module)
                patch(module)

            spec.loader.exec_module = exec_module
        return spec


# --- Images and charts ---------------------------------------------------------------------

_IMAGE_SIGNATURES = [
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF8", "image/gif"),
    (b"RIFF", "image/webp"),
]


def show_image(image, alt=""):
    """Shows an image in the program's output: a file's path, or its bytes (PNG, JPEG, GIF,
    WebP or SVG). `alt` says what it shows, for those who can't see it."""
    import base64

    data = image if isinstance(image, (bytes, bytearray)) else open(image, "rb").read()
    mime = next((m for sig, m in _IMAGE_SIGNATURES if data.startswith(sig)), None)
    if mime is None and b"<svg" in data[:1024]:
        mime = "image/svg+xml"
    if mime is None:
        raise ValueError("show_image() shows PNG, JPEG, GIF, WebP and SVG images only")
    _flush()
    _hooks.show_image(mime, base64.b64encode(bytes(data)).decode("ascii"), str(alt))


def show_chart(figure_json, alt):
    """Shows a Plotly figure (its JSON) in the program's output, drawn by plotly.js in the page;
    `alt` names it for those who can't see it."""
    _flush()
    _hooks.show_chart(figure_json, str(alt))


def _helper_module():
    module = types.ModuleType("pyroad", "PyRoad's helpers for programs: show_image(path, alt).")
    module.show_image = show_image
    return module


def _show_figures():
    """Shows every open matplotlib figure as a PNG, its title as the alt text, and closes it."""
    import io

    import matplotlib.pyplot as plt

    for number in plt.get_fignums():
        figure = plt.figure(number)
        titles = [figure._suptitle.get_text()] if figure._suptitle else []
        titles += [axes.get_title() for axes in figure.axes]
        alt = next((t for t in titles if t), f"Figure {number}")
        png = io.BytesIO()
        figure.savefig(png, format="png")
        show_image(png.getvalue(), alt)
    plt.close("all")


_MATPLOTLIB_BACKEND = '''"""PyRoad's matplotlib backend: Agg draws, plt.show() shows the figures in the output."""
from matplotlib.backend_bases import FigureManagerBase as FigureManager
from matplotlib.backends.backend_agg import FigureCanvasAgg as FigureCanvas
from pyroad_runner import _show_figures


def show(*args, **kwargs):
    _show_figures()
'''


def install_matplotlib_backend(directory):
    """Writes the backend `plt.show()` uses here into `directory` (one on the import path)."""
    with open(os.path.join(directory, "pyroad_matplotlib.py"), "w") as file:
        file.write(_MATPLOTLIB_BACKEND)
    # Pyodide's own backend draws into the page's DOM, which a worker hasn't got.
    os.environ["MPLBACKEND"] = "module://pyroad_matplotlib"


def _show_open_figures():
    """Figures a program left open are shown after its text, as in a notebook."""
    if "matplotlib.pyplot" in sys.modules and sys.modules["matplotlib.pyplot"].get_fignums():
        try:
            _show_figures()
        except Exception as e:  # noqa: BLE001 - a figure that can't be drawn is said, not raised
            sys.stderr.write(f"The figure couldn't be shown: {_error_message(e)}\n")


def _asyncio_run(original):
    """asyncio.run() needs to pause Python until the event loop is done, which only JSPI can
    do in a browser; elsewhere it says so, and what works instead."""

    def run(main, **options):
        if _jspi():
            return original(main, **options)
        if hasattr(main, "close"):
            main.close()  # never awaited, on purpose: no warning about it
        raise RuntimeError(
            "asyncio.run() can't run in this browser, which can't pause Python while it waits. "
            "Write `await main()` at the top level of your program instead: that works here."
        )

    return run


def _exit(status):
    raise SystemExit(status)


def _jspi():
    try:
        from pyodide.ffi import can_run_sync
    except ImportError:  # pragma: no cover - only outside Pyodide
        return False
    return can_run_sync()


def _interruptible(call):
    """Runs a JS call that Stop can end, turning the page's interrupt into KeyboardInterrupt."""
    try:
        return call()
    except Exception as e:
        # The worker's error for Stop carries this exception's name (see protocol.rs).
        if KeyboardInterrupt.__name__ in str(e):
            raise KeyboardInterrupt from None
        raise


def _input(prompt=""):
    prompt = str(prompt)
    sys.stdout.write(prompt)
    sys.stdout.flush()
    if _jspi():
        from pyodide.ffi import run_sync

        line = _interruptible(lambda: run_sync(_hooks.request_input(prompt)))
    else:
        line = _interruptible(lambda: _hooks.input_sync(prompt))
        if line is None:
            raise RuntimeError(
                "input() can't wait for your answer in this browser yet. Reload the page and "
                "try again; if it still fails, use a recent Chrome or Edge, or give the program "
                "its values in the code."
            )
    sys.stdout.write(line + "\n")
    return line


def _sleep(seconds):
    if seconds < 0:
        raise ValueError("sleep length must be non-negative")
    sys.stdout.flush()
    end = time.time() + seconds
    if _jspi():
        from pyodide.ffi import run_sync

        _interruptible(lambda: run_sync(_hooks.sleep(float(seconds))))
    else:
        _interruptible(lambda: _hooks.sleep_sync(float(seconds)))
    # At least `seconds` by the clock programs read: the JavaScript timers keep their own and may
    # wake a moment early, and where nothing can pause this thread the whole wait is spent here
    # (Stop still ends the program).
    while time.time() < end:
        pass


def _fresh_namespace():
    module = types.ModuleType("__main__")
    return module.__dict__


def _namespace(key):
    if not key:
        return _fresh_namespace()
    return _namespaces.setdefault(key, _fresh_namespace())


def _remember_source(filename, source):
    # Lets tracebacks show the learner's lines.
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)


def _trim(exc_info_exc):
    """The traceback limited to frames in the learner's code (and the tests)."""
    import traceback

    te = traceback.TracebackException.from_exception(exc_info_exc)
    seen = set()
    node = te
    while node is not None and id(node) not in seen:
        seen.add(id(node))
        node.stack = traceback.StackSummary.from_list(
            [_as_learners(f) for f in node.stack if f.filename in (CODE, TESTS) or _in_folder(f.filename)]
        )
        node = node.__cause__ or node.__context__
    return "".join(te.format())


def _in_folder(filename):
    return _folder is not None and filename.startswith(_folder + os.sep)


def _as_learners(frame):
    """A frame of the learner's own module named as they know the file (`shop/cart.py`)."""
    import traceback

    if not _in_folder(frame.filename):
        return frame
    return traceback.FrameSummary(
        os.path.relpath(frame.filename, _folder),
        frame.lineno,
        frame.name,
        line=frame.line,
        end_lineno=frame.end_lineno,
        colno=frame.colno,
        end_colno=frame.end_colno,
    )


def _learner_line(exc):
    line = None
    if isinstance(exc, SyntaxError) and exc.filename == CODE:
        return exc.lineno
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == CODE:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def describe(exc):
    return {
        "type": type(exc).__name__,
        "message": str(exc) if not isinstance(exc, SyntaxError) else (exc.msg or ""),
        "line": _learner_line(exc),
        "traceback": _trim(exc),
    }


def _flush():
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass


def handle(request_json):
    """Runs a "run" or "check" request; returns its outcome, tagged by kind ({"run": {...}})."""
    request = json.loads(request_json)
    kind = request["type"]
    if kind == "check":
        _enter(_CHECK_FOLDER, fresh=True)
        _write_files(request.get("files", ()))
        outcome = check(request)
    elif kind == "run":
        _enter(request.get("folder") or _SCRATCH_FOLDER, fresh=False)
        _write_files(request.get("files", ()))
        outcome = run(request["code"], request.get("namespace"), request.get("trace", False))
    else:
        raise ValueError(f"the runner can't handle a {kind!r} request")
    return _then(outcome, lambda outcome: {kind: outcome})


def _enter(name, fresh):
    """Makes `name` below the home folder the working folder, and the first place imports look,
    so a program finds the files and modules it wrote there and no other lesson's. A Check
    starts from an empty one."""
    global _folder
    path = os.path.join(_HOME, name)
    if fresh:
        import shutil

        shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path, exist_ok=True)
    os.chdir(path)
    if _folder in sys.path:
        sys.path.remove(_folder)
    sys.path.insert(0, path)
    _folder = path


def _write_files(files):
    """Writes a program's other files (modules, data) into the working folder, folders and
    all; a path that would leave the folder is refused."""
    for file in files:
        path = os.path.normpath(os.path.join(_folder, file["path"]))
        if not path.startswith(_folder + os.sep):
            raise ValueError(f"the file {file['path']!r} would be outside the working folder")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as out:
            out.write(file["text"])


def run(code, namespace_key=None, trace=False):
    """Runs code; returns {"ok": bool, "error": {...} | None, "exit": code | None}, and with
    `trace`, the run recorded step by step as "trace" (see pyroad_trace)."""
    if not trace:
        return _execute(code, _namespace(namespace_key))
    import pyroad_trace

    recorder = pyroad_trace.Recorder(CODE)
    return _then(_execute(code, _namespace(namespace_key), recorder), lambda outcome: {**outcome, "trace": recorder.result()})


def _forget_learner_modules():
    """Each run imports the learner's module files as they are now, as a new `python` would:
    modules that earlier runs loaded from the home folder are forgotten (Python's own stay)."""
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and path.startswith(_HOME) and name != __name__:
            del sys.modules[name]
    for path, finder in list(sys.path_importer_cache.items()):
        if (path + os.sep).startswith(_HOME) and hasattr(finder, "invalidate_caches"):
            finder.invalidate_caches()


def _execute(code, namespace, recorder=None):
    """Runs the learner's code. Code that awaits at the top level (as in a notebook) returns a
    coroutine instead of the outcome: the worker awaits it, and Python's event loop runs.
    A `recorder` records the run while it runs."""
    import ast

    _forget_learner_modules()
    _remember_source(CODE, code)
    try:
        program = compile(code, CODE, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    except BaseException as e:  # noqa: BLE001 - a SyntaxError is the learner's to see
        return _ended(e)
    if program.co_flags & _CO_COROUTINE:
        return _execute_awaiting(program, namespace, recorder)
    if recorder:
        recorder.start()
    try:
        exec(program, namespace)
        return _ENDED_WELL.copy()
    except BaseException as e:  # noqa: BLE001 - everything the learner's code raises is reported
        return _ended(e)
    finally:
        _finish(recorder)


async def _execute_awaiting(program, namespace, recorder):
    if recorder:
        recorder.start()
    try:
        await eval(program, namespace)
        return _ENDED_WELL.copy()
    except BaseException as e:  # noqa: BLE001
        return _ended(e)
    finally:
        _finish(recorder)


def _finish(recorder):
    if recorder:
        recorder.stop()
    _show_open_figures()
    _flush()


_CO_COROUTINE = 0x80  # inspect.CO_COROUTINE, without importing inspect
_ENDED_WELL = {"ok": True, "error": None, "exit": None}


def _ended(e):
    """The outcome of a program that raised `e` (SystemExit is an exit, not an error)."""
    if type(e).__name__ == "StepLimit":  # a recorded run, stopped at its limit: no error of its own
        return {"ok": False, "error": None, "exit": None}
    if isinstance(e, SystemExit):
        status = e.code if isinstance(e.code, (int, type(None))) else str(e.code)
        return {"ok": status in (0, None), "error": None, "exit": status if status is not None else 0}
    return {"ok": False, "error": describe(e), "exit": None}


def _then(value, step):
    """`step(value)`, or, where `value` is still to be awaited, a coroutine that awaits it first."""
    if not hasattr(value, "__await__"):
        return step(value)

    async def later():
        return step(await value)

    return later()


# --- Grading -------------------------------------------------------------------------------


def _short(value, limit=200):
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _source(tests, node):
    import ast

    return ast.get_source_segment(tests, node) or ast.unparse(node)


def _assert_failure(tests, node, namespace):
    """A message saying what was expected and what came out, for a failed assert."""
    import ast

    if node.msg is not None:
        try:
            return str(eval(compile(ast.Expression(node.msg), TESTS, "eval"), namespace))
        except Exception:  # noqa: BLE001
            pass
    test = node.test
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq):
        try:
            got = eval(compile(ast.Expression(test.left), TESTS, "eval"), namespace)
            want = eval(compile(ast.Expression(test.comparators[0]), TESTS, "eval"), namespace)
            return f"{_source(tests, test.left)} gave {_short(got)}, expected {_short(want)}"
        except Exception:  # noqa: BLE001
            pass
    return f"this was false: {_source(tests, test)}"


def _error_message(exc):
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _check_asserts(tests, namespace):
    import ast

    results = []
    tree = ast.parse(tests, TESTS)
    for node in tree.body:
        code = compile(ast.Module([node], []), TESTS, "exec")
        if not isinstance(node, ast.Assert):
            # Setup (imports, helpers) runs as it is; if it fails, that is a failed test too.
            try:
                exec(code, namespace)
            except Exception as e:  # noqa: BLE001
                results.append({"name": _source(tests, node).splitlines()[0], "passed": False, "message": _error_message(e)})
            continue
        name = _source(tests, node.test)
        try:
            exec(code, namespace)
            results.append({"name": name, "passed": True, "message": ""})
        except AssertionError:
            results.append({"name": name, "passed": False, "message": _assert_failure(tests, node, namespace)})
        except Exception as e:  # noqa: BLE001
            results.append({"name": name, "passed": False, "message": f"raised {_error_message(e)}"})
    return results


def _check_unittest(tests, namespace):
    import unittest

    class Collect(unittest.TestResult):
        def __init__(self):
            super().__init__()
            self.items = []

        def _name(self, test):
            return test.shortDescription() or test._testMethodName.replace("_", " ")

        def addSuccess(self, test):
            self.items.append({"name": self._name(test), "passed": True, "message": ""})

        def addFailure(self, test, err):
            message = str(err[1]).split("\n : ")[0]
            self.items.append({"name": self._name(test), "passed": False, "message": message})

        def addError(self, test, err):
            message = f"raised {_error_message(err[1])}"
            self.items.append({"name": self._name(test), "passed": False, "message": message})

    before = set(namespace)
    exec(compile(tests, TESTS, "exec"), namespace)
    loader = unittest.TestLoader()
    suite = unittest.TestSuite()
    for name, value in list(namespace.items()):
        if name not in before and isinstance(value, type) and issubclass(value, unittest.TestCase):
            suite.addTests(loader.loadTestsFromTestCase(value))
    result = Collect()
    suite.run(result)
    return result.items


def _check_pytest(tests, namespace):
    """Runs pytest on the tests, which see the learner's names as globals; one result a test,
    with pytest's own account of a failed assert."""
    import io

    import pytest

    learner = types.ModuleType("_pyroad_learner")
    learner.__dict__.update({k: v for k, v in namespace.items() if not k.startswith("__")})
    sys.modules[learner.__name__] = learner
    # Line 1 brings in the learner's names; the tests keep their own line numbers after it.
    with open("test_exercise.py", "w") as file:
        file.write(f"from {learner.__name__} import *  # noqa\n{tests}")

    class Collect:
        def __init__(self):
            self.items = []

        def pytest_collectreport(self, report):
            if report.failed:
                self.items.append({"name": "the tests load", "passed": False, "message": _pytest_message(report)})

        def pytest_runtest_logreport(self, report):
            if report.when == "call" or report.failed:
                name = report.nodeid.split("::", 1)[-1]
                message = "" if report.passed else _pytest_message(report)
                self.items.append({"name": name, "passed": report.passed, "message": message})

    collect = Collect()
    quiet = io.StringIO()  # pytest's own report: the results say it better
    stdout, sys.stdout = sys.stdout, quiet
    try:
        pytest.main(["-q", "-p", "no:cacheprovider", "--capture=no", "test_exercise.py"], plugins=[collect])
    finally:
        sys.stdout = stdout
        sys.modules.pop(learner.__name__, None)
        sys.modules.pop("test_exercise", None)
    return collect.items


def _check_mutation(mutation, learner_tests):
    """The learner's tests, run on the correct implementation (they must all pass) and on each
    mutant (some test must fail on each: that bug is caught)."""

    def run_on(implementation):
        namespace = _fresh_namespace()
        exec(compile(implementation, "<implementation>", "exec"), namespace)
        return _check_pytest(learner_tests, namespace)

    correct = run_on(mutation["implementation"])
    if not correct:
        return [{"name": "your tests", "passed": False, "message": "there are no tests yet: write functions named test_something that assert what the code should do"}]
    failing = [r for r in correct if not r["passed"]]
    results = [{
        "name": "your tests pass on the correct version",
        "passed": not failing,
        "message": f"{failing[0]['name']} fails on code that is right: {failing[0]['message']}" if failing else "",
    }]
    for mutant in mutation["mutants"]:
        caught = any(not r["passed"] for r in run_on(mutant["code"]))
        results.append({
            "name": f"catches the bug: {mutant['bug']}",
            "passed": caught,
            "message": "" if caught else "a version with this bug passes all your tests: add a test it would fail",
        })
    return results


def _pytest_message(report):
    crash = getattr(report.longrepr, "reprcrash", None)
    text = crash.message if crash is not None else str(report.longrepr)
    return text.strip().removeprefix("AssertionError: ").strip()


class _Yielded(list):
    """What an iterator yielded: compared as a list, shown as one."""

    def __repr__(self):
        return list.__repr__(self)


def _yielded(value, limit=10_000):
    """Generators and other iterators compare by what they yield (the first `limit` items)."""
    import collections.abc
    import itertools

    if isinstance(value, collections.abc.Iterator):
        return _Yielded(itertools.islice(value, limit))
    return value


def _compare(compare, namespace, seed):
    """Runs the learner's function and the reference on generated inputs."""
    import copy
    import random

    function = compare["function"]
    reference = _fresh_namespace()
    exec(compile(compare["solution"], "<solution>", "exec"), reference)
    exec(compile(compare["generator"], "<generator>", "exec"), reference)
    name = f"{function} matches the reference on random inputs"
    mine = namespace.get(function)
    if not callable(mine):
        return {"name": name, "passed": False, "message": f"there is no function called {function}"}
    rng = random.Random(seed)
    for count, args in enumerate(reference["cases"](rng)):
        if count >= 200:
            break
        args = tuple(args)
        shown = ", ".join(_short(a, 60) for a in args)
        want = _yielded(reference[function](*copy.deepcopy(args)))
        try:
            got = _yielded(mine(*copy.deepcopy(args)))
        except Exception as e:  # noqa: BLE001
            return {"name": name, "passed": False, "message": f"{function}({shown}) raised {_error_message(e)}"}
        if got != want:
            verb = "yielded" if isinstance(want, _Yielded) else "gave"
            return {"name": name, "passed": False, "message": f"{function}({shown}) {verb} {_short(got)}, expected {_short(want)}"}
    return {"name": name, "passed": True, "message": ""}


def check(request):
    """Runs the learner's code, then the hidden tests against it.

    Returns {"error": {...} | None, "results": [{"name", "passed", "message"}]}; an error means
    the learner's code itself failed before any test could run.
    """
    namespace = _fresh_namespace()
    if request.get("language"):
        # An answer in SQL, YAML, a Dockerfile…: not run; the tests read it as `answer`.
        namespace["answer"] = request["code"]
        return _grade(request, namespace, _ENDED_WELL.copy())
    # A step checks what the code prints: the learner still sees it, as it is printed.
    printed = _Recording(sys.stdout) if request.get("output") is not None else None
    if printed:
        sys.stdout = printed

    def graded(ran):
        if printed:
            sys.stdout = printed.stream
        return _grade(request, namespace, ran, printed)

    return _then(_execute(request["code"], namespace), graded)


class _Recording:
    """A stream that keeps a copy of what is written through it."""

    def __init__(self, stream):
        self.stream, self.parts = stream, []

    def write(self, text):
        self.parts.append(text)
        return self.stream.write(text)

    def __getattr__(self, name):
        return getattr(self.stream, name)


def _normalized(text):
    """Output compared line by line, trailing spaces and blank lines ignored (as in lessons)."""
    return "\n".join(line.rstrip() for line in text.splitlines()).rstrip()


def _output_result(printed, expected):
    got, want = _normalized("".join(printed.parts)), _normalized(expected)
    if got == want:
        return {"name": "prints what was asked", "passed": True, "message": ""}
    return {
        "name": "prints what was asked",
        "passed": False,
        "message": f"printed {_short(got)}, expected {_short(want)}" if got else f"printed nothing, expected {_short(want)}",
    }


def _grade(request, namespace, ran, printed=None):
    if ran["error"] is not None:
        return {"error": ran["error"], "results": []}
    tests = request["tests"]
    _remember_source(TESTS, tests)
    try:
        if request.get("mutation"):
            results = _check_mutation(request["mutation"], request["code"])
        elif request["style"] == "unittest":
            results = _check_unittest(tests, namespace)
        elif request["style"] == "pytest":
            results = _check_pytest(tests, namespace)
        else:
            results = _check_asserts(tests, namespace)
        compare = request.get("compare")
        if compare:
            results.append(_compare(compare, namespace, request["seed"]))
        if printed:
            results.insert(0, _output_result(printed, request["output"]))
    except BaseException as e:  # noqa: BLE001 - a broken test file is reported, not raised
        return {"error": describe(e), "results": []}
    finally:
        _flush()
    return {"error": None, "results": results}
