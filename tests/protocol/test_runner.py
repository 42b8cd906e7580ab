"""The runner (src/python/pyroad_runner.py) under plain CPython, against the golden messages.

Each NAME.request.json here is a request as the app sends it (the Rust unit tests in
src/worker/protocol.rs check that); NAME.outcome.json is what the runner returns for it, which
the Rust side parses. Run by `./dev.sh test`; after a deliberate change to the runner,
`PYROAD_BLESS=1 python3 -m unittest discover -s tests/protocol` rewrites the outcomes.
"""

import asyncio
import base64
import contextlib
import importlib.util
import io
import json
import os
import pathlib
import re
import sys
import tempfile
import unittest

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "src" / "python"))
# The learner's working folders go here, not into this machine's home.
os.environ["PYROAD_WORK"] = tempfile.mkdtemp(prefix="pyroad-runner-")
BACKEND_DIR = tempfile.mkdtemp(prefix="pyroad-backend-")
sys.path.append(BACKEND_DIR)

import pyroad_runner  # noqa: E402


def settle(outcome):
    """The outcome, after running the event loop where the program awaits (as the worker does)."""
    if hasattr(outcome, "__await__"):
        async def wait():
            return await outcome

        return asyncio.run(wait())
    return outcome


def comparable(outcome):
    """Tracebacks without the source and caret lines, which differ between Python versions."""
    text = json.dumps(outcome)
    value = json.loads(text)

    def strip(node):
        if isinstance(node, dict):
            return {
                k: (re.sub(r"(?m)^    .*\n", "", v) if k == "traceback" else strip(v))
                for k, v in node.items()
            }
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node

    return strip(value)


def pyroad_runner_solved(check):
    return check["error"] is None and all(r["passed"] for r in check["results"])


class GoldenMessages(unittest.TestCase):
    def test_every_request_gives_its_golden_outcome(self):
        requests = sorted(HERE.glob("*.request.json"))
        self.assertTrue(requests, "no golden requests")
        for path in requests:
            name = path.name.removesuffix(".request.json")
            with self.subTest(name):
                with contextlib.redirect_stdout(io.StringIO()):  # what the programs print
                    outcome = comparable(settle(pyroad_runner.handle(path.read_text())))
                golden = HERE / f"{name}.outcome.json"
                if os.environ.get("PYROAD_BLESS"):
                    golden.write_text(json.dumps(outcome, indent=2, ensure_ascii=False) + "\n")
                self.assertEqual(outcome, comparable(json.loads(golden.read_text())))

    def test_a_shared_namespace_keeps_its_names_between_runs(self):
        first = {"type": "run", "id": 1, "code": "n = 1", "namespace": "kept"}
        second = {"type": "run", "id": 2, "code": "assert n == 1", "namespace": "kept"}
        fresh = {"type": "run", "id": 3, "code": "n"}
        for request, ok in [(first, True), (second, True), (fresh, False)]:
            outcome = pyroad_runner.handle(json.dumps(request))["run"]
            self.assertEqual(outcome["ok"], ok, outcome)

    def test_asyncio_run_without_jspi_says_what_works_instead(self):
        async def main():
            return 1

        run = pyroad_runner._asyncio_run(asyncio.run)
        with self.assertRaisesRegex(RuntimeError, "`await main\\(\\)` at the top level"):
            run(main())

    def test_each_lesson_and_each_check_has_its_own_working_folder(self):
        def ok(request):
            with contextlib.redirect_stdout(io.StringIO()):
                outcome = pyroad_runner.handle(json.dumps(request))
            key = request["type"]
            return outcome[key]["ok"] if key == "run" else pyroad_runner_solved(outcome[key])

        write = "from pathlib import Path\nPath('notes.txt').write_text('x')\nPath('helper.py').write_text('N = 1')"
        read = "import os, helper\nassert os.path.exists('notes.txt') and helper.N == 1"
        self.assertTrue(ok({"type": "run", "id": 1, "code": write, "folder": "lesson-a"}))
        self.assertTrue(ok({"type": "run", "id": 2, "code": read, "folder": "lesson-a"}))
        self.assertFalse(ok({"type": "run", "id": 3, "code": read, "folder": "lesson-b"}))
        check = {"type": "check", "id": 4, "code": write, "style": "asserts", "seed": 1,
                 "tests": "import helper\nassert helper.N == 1"}
        self.assertTrue(ok(check), "tests import the learner's module")
        check = {**check, "code": "import os", "tests": "assert not os.path.exists('notes.txt')"}
        self.assertTrue(ok(check), "a Check starts from an empty folder")

    def test_each_run_imports_the_files_as_they_are_now(self):
        def printed(text):
            request = {"type": "run", "id": 1, "code": "import greet\nprint(greet.WORD)",
                       "folder": "files", "files": [{"path": "greet.py", "text": text}]}
            with contextlib.redirect_stdout(io.StringIO()) as out:
                outcome = pyroad_runner.handle(json.dumps(request))["run"]
            self.assertTrue(outcome["ok"], outcome)
            return out.getvalue().strip()

        self.assertEqual(printed("WORD = 'hello'"), "hello")
        self.assertEqual(printed("WORD = 'edited'"), "edited", "the edit counts, not the first import")

    def test_a_program_that_starts_a_server_is_told_to_use_the_test_client(self):
        pyroad_runner.adapt_packages()  # as the worker's setup does
        request = {"type": "run", "id": 1, "code": "import http.server\n"
                   "http.server.HTTPServer(('127.0.0.1', 0), http.server.SimpleHTTPRequestHandler)"}
        outcome = pyroad_runner.handle(json.dumps(request))["run"]
        self.assertFalse(outcome["ok"])
        self.assertEqual(outcome["error"]["type"], "OSError")
        self.assertIn("app.test_client()", outcome["error"]["message"])

    def test_a_file_outside_the_working_folder_is_refused(self):
        request = {"type": "run", "id": 1, "code": "", "files": [{"path": "../escape.py", "text": ""}]}
        with self.assertRaisesRegex(ValueError, "outside the working folder"):
            pyroad_runner.handle(json.dumps(request))

    def shown(self, code):
        """Runs `code` with hooks that record what it printed and the images it showed."""
        events = []

        class Hooks:
            def show_image(self, mime, data, alt):
                events.append(("image", mime, base64.b64decode(data)[:8], alt))

            def show_chart(self, figure, alt):
                events.append(("chart", json.loads(figure)["data"], alt))

        class Out(io.StringIO):
            def write(self, text):
                events.append(("text", text))
                return len(text)

        pyroad_runner._hooks = Hooks()
        sys.modules["pyroad"] = pyroad_runner._helper_module()
        pyroad_runner.install_matplotlib_backend(BACKEND_DIR)
        with contextlib.redirect_stdout(Out()):
            outcome = pyroad_runner.run(code)
        self.assertTrue(outcome["ok"], outcome)
        return [e for e in events if e != ("text", "\n")]

    def test_a_program_shows_an_image_file_between_its_lines(self):
        png = b"\x89PNG\r\n\x1a\n" + b"\0" * 16
        pathlib.Path(os.environ["PYROAD_WORK"], "dot.png").write_bytes(png)
        code = f"from pyroad import show_image\nprint('before')\nshow_image({str(pathlib.Path(os.environ['PYROAD_WORK'], 'dot.png'))!r}, alt='a dot')\nprint('after')"
        self.assertEqual(
            self.shown(code),
            [("text", "before"), ("image", "image/png", png[:8], "a dot"), ("text", "after")],
        )

    @unittest.skipUnless(importlib.util.find_spec("matplotlib"), "./dev.sh test installs matplotlib")
    def test_figures_show_where_plt_show_is_called_and_at_the_end(self):
        code = (
            "import matplotlib.pyplot as plt\n"
            "plt.plot([1, 2, 3]); plt.title('Rising')\n"
            "plt.show()\n"
            "print('between')\n"
            "plt.figure(); plt.bar(['a', 'b'], [3, 1]); plt.suptitle('Two bars')\n"
        )
        png = b"\x89PNG\r\n\x1a\n"
        self.assertEqual(
            self.shown(code),
            [("image", "image/png", png, "Rising"), ("text", "between"), ("image", "image/png", png, "Two bars")],
        )

    @unittest.skipUnless(importlib.util.find_spec("plotly"), "./dev.sh test installs plotly")
    def test_fig_show_shows_a_plotly_chart_named_by_its_title(self):
        pyroad_runner.adapt_packages()  # as the worker's setup does
        code = (
            "import plotly.graph_objects as go\n"
            "print('before')\n"
            "go.Figure(go.Bar(x=['a', 'b'], y=[3, 1]), layout_title_text='Two bars').show()\n"
            "go.Figure(go.Scatter(y=[1, 2])).show()\n"
        )
        self.assertEqual(
            self.shown(code),
            [
                ("text", "before"),
                ("chart", [{"type": "bar", "x": ["a", "b"], "y": [3, 1]}], "Two bars"),
                ("chart", [{"type": "scatter", "y": [1, 2]}], "A chart without a title"),
            ],
        )

    def test_an_unknown_request_is_refused(self):
        with self.assertRaises(ValueError):
            pyroad_runner.handle(json.dumps({"type": "input", "id": 1, "text": "x"}))


if __name__ == "__main__":
    unittest.main()
