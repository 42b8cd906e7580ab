// PyRoad's Python worker: boots Pyodide from the site's own files and runs learner code, so
// nothing the learner writes ever runs on the page's thread. Messages are JSON strings, their
// shapes the Rust types in src/worker/protocol.rs, except two objects: the page's first message
// (how to boot) and the memory snapshot sent back to it. The constants shared with the page
// come from protocol.js, which the build generates from the same file.
import { loadPyodide, version } from "./pyodide/pyodide.mjs";
import { BOOT, CAUSE, IMAGE_CAP, IMAGE_CAP_BYTES, IMAGE_TYPES, KEYBOARD_INTERRUPT, OUTPUT_CAP, SYNC, SYNC_PATH, WORKER } from "./protocol.js";

// Python blocks this thread while it runs, so output can only be sent from inside a write:
// the first writes of a job go out at once (a print followed by a long computation must
// show), and after that, floods are batched.
const EAGER_WRITES = 200;
const FLUSH_MS = 40;

// Sent externally tagged, {"output": {...}}: the app's parser for that shape is the smallest.
const post = ({ type, ...fields }) => self.postMessage(JSON.stringify({ [type]: fields }));

// The handler is set before any await: a message sent while Pyodide boots is queued, not lost.
const queued = [];
let handle = null;
const waiting = new Map(); // job id → {resolve, reject} for input() and time.sleep()
let interruptBuffer = null; // shared with the page when it is cross-origin isolated
let syncBuffer = null; // likewise: the page's answers to input(), for browsers without JSPI
let crashed = false; // the interpreter died; the page replaces this worker
// The page's first message: {interruptBuffer?, syncBuffer?, snapshot?}. How to boot is the
// worker's name (WORKER), known before any message arrives, so Python starts loading at once:
// FROM_PAGE_SNAPSHOT waits for the snapshot in that message, MAKE_SNAPSHOT makes one for the
// page, PYTHON boots from the snapshot an earlier visit saved, or cold.
let configured;
const configuration = new Promise((resolve) => { configured = resolve; });
// Names this worker's jobs for the service worker, which may serve several tabs.
const session = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
self.onmessage = (event) => {
  if (typeof event.data !== "string") {
    // If the page is cross-origin isolated, Stop writes SIGINT here and Python raises
    // KeyboardInterrupt, even in a busy loop.
    interruptBuffer = event.data.interruptBuffer;
    syncBuffer = event.data.syncBuffer && {
      state: new Int32Array(event.data.syncBuffer, 0, 2),
      data: new Uint8Array(event.data.syncBuffer, SYNC.DATA_OFFSET),
    };
    configured(event.data);
    return;
  }
  const message = JSON.parse(event.data);
  if (message.type === "input" || message.type === "interrupt") {
    const pending = waiting.get(message.id);
    if (!pending) return;
    waiting.delete(message.id);
    if (message.type === "input") pending.resolve(message.text);
    else pending.reject(stopped());
  } else if (handle) {
    handle(message, event.data);
  } else {
    queued.push([message, event.data]);
  }
};

// Output of the job that is running: kept in order across stdout and stderr, sent in chunks.
let job = null;
function write(stream, text) {
  if (!job) return;
  job.total += text.length;
  const room = OUTPUT_CAP - job.shown;
  if (room <= 0) return;
  const part = text.length > room ? text.slice(0, room) : text;
  job.shown += part.length;
  if (job.stream !== stream) flush();
  job.stream = stream;
  job.pending += part;
  job.writes += 1;
  if (job.writes <= EAGER_WRITES || job.pending.length > 4096 || Date.now() - job.flushedAt > FLUSH_MS) flush();
}
function flush() {
  if (!job || !job.pending) return;
  post({ type: "output", id: job.id, stream: job.stream, text: job.pending });
  job.pending = "";
  job.flushedAt = Date.now();
}
function writer(stream) {
  const decoder = new TextDecoder();
  return { write: (bytes) => { write(stream, decoder.decode(bytes, { stream: true })); return bytes.length; } };
}

// Hooks that Python's input() and time.sleep() block on, answerable by Stop. With JSPI they
// return promises that suspend Python; without it, the *_sync ones block this thread.
const hooks = {
  request_input(prompt) {
    const id = announceInput(prompt);
    return new Promise((resolve, reject) => waiting.set(id, { resolve, reject }));
  },
  sleep(seconds) {
    flush();
    const id = job.id;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { waiting.delete(id); resolve(); }, seconds * 1000);
      waiting.set(id, { resolve, reject: (e) => { clearTimeout(timer); reject(e); } });
    });
  },
  // The line typed, or undefined when nothing here can pause Python.
  input_sync(prompt) {
    if (!blockingChannel()) return undefined;
    announceInput(prompt);
    return waitForPage(Infinity).text;
  },
  // An image for the output, base64; past the caps it is counted instead, like output.
  show_image(mime, data, alt) {
    flush();
    if (IMAGE_TYPES.includes(mime) && withinImageCaps("an image", data.length * 0.75)) {
      post({ type: "image", id: job.id, mime, data, alt });
    }
  },
  // A Plotly figure for the output, as JSON; it counts as an image.
  show_chart(figure, alt) {
    flush();
    if (withinImageCaps("a chart", figure.length)) post({ type: "chart", id: job.id, figure, alt });
  },
  // Pauses this thread when anything here can (Python waits out the rest busily).
  sleep_sync(seconds) {
    flush();
    if (blockingChannel()) waitForPage(seconds * 1000);
  },
};

// Counts a picture of the job; past the caps it is noted in the output instead of shown.
function withinImageCaps(what, bytes) {
  job.images += 1;
  if (job.images <= IMAGE_CAP && bytes <= IMAGE_CAP_BYTES) return true;
  write("stderr", `[${what} of ${Math.round(bytes / 1024)} KB was not shown: a run shows at most ${IMAGE_CAP} images and charts of up to ${IMAGE_CAP_BYTES / 1024 / 1024} MB]\n`);
  return false;
}

// The learner's Stop, as the error that Python turns into KeyboardInterrupt. The page also set
// SIGINT in the interrupt buffer (if any) before asking: clear it, or Python would be
// interrupted a second time while reporting the first.
function stopped() {
  if (interruptBuffer) interruptBuffer[0] = 0;
  return new Error(KEYBOARD_INTERRUPT);
}

function announceInput(prompt) {
  flush();
  post({ type: "input-request", id: job.id, prompt });
  return job.id;
}

// Without JSPI, Python can only wait synchronously: on the buffer shared with a cross-origin
// isolated page (Atomics.wait), or else on a request that this site's service worker holds
// until the page sends the answer (the sync-message technique).
const SYNC_URL = new URL(`./${SYNC_PATH}`, import.meta.url);
let serviceWorkerAnswers = false;
function blockingChannel() {
  if (syncBuffer) return "atomics";
  if (!serviceWorkerAnswers) {
    // Not controlled yet on a first visit: asked again each time, as it may be later.
    serviceWorkerAnswers = syncRequest("ping=1")?.kind === "pong";
  }
  return serviceWorkerAnswers ? "service-worker" : null;
}

function syncRequest(query) {
  try {
    const request = new XMLHttpRequest();
    request.open("GET", `${SYNC_URL}?${query}`, false);
    request.send();
    return request.status === 200 ? JSON.parse(request.responseText) : null;
  } catch {
    return null;
  }
}

// Waits up to `ms` for the page: {text} for an answer, {} when the time is up; throws on Stop.
function waitForPage(ms) {
  const deadline = Date.now() + ms;
  if (syncBuffer) {
    const { state, data } = syncBuffer;
    Atomics.wait(state, 0, SYNC.IDLE, ms);
    const now = Atomics.exchange(state, 0, SYNC.IDLE);
    if (now === SYNC.INTERRUPTED) throw stopped();
    if (now !== SYNC.ANSWERED) return {};
    // TextDecoder refuses views of shared memory: copy first.
    return { text: new TextDecoder().decode(data.slice(0, state[1])) };
  }
  const key = encodeURIComponent(`${session}/${job.id}`);
  for (;;) {
    // The service worker answers within 20 s even if nobody does, so no request hits a
    // browser's time limit; a long wait is several requests.
    const wait = Math.max(0, Math.min(deadline - Date.now(), 20_000));
    const reply = syncRequest(`key=${key}&wait=${wait}`);
    if (!reply) throw new Error("the service worker stopped answering while the program waited");
    if (reply.kind === "interrupt") throw stopped();
    if (reply.kind === "answer") return { text: reply.text };
    if (Date.now() >= deadline) return {};
  }
}

async function boot() {
  const base = new URL("./pyodide/", import.meta.url);
  // Served with another type, Pyodide's wasm makes loadPyodide hang without an error: say so.
  const probe = fetch(new URL("pyodide.asm.wasm", base), { method: "HEAD" }).then((response) => {
    const type = response.headers.get("content-type") || "";
    if (!response.ok) throw new Error(`the Python runtime files are missing (${response.status} for pyodide.asm.wasm)`);
    if (!type.startsWith("application/wasm")) {
      throw new Error(`the server sends .wasm files as "${type || "no type"}"; it must send them as application/wasm`);
    }
  });
  const options = {
    indexURL: base.href,
    // Packages outside the core (numpy, pandas, matplotlib) come from Pyodide's package
    // index, so lessons that use them need a connection; everything else is local.
    packageBaseUrl: `https://cdn.jsdelivr.net/pyodide/v${version}/full/`,
    stdout: () => {},
    stderr: () => {},
  };
  const source = (name) => fetch(new URL(name, import.meta.url)).then((r) => r.text());
  const [, { pyodide, boot, snapshot }, runnerSource, traceSource, shipped] = await Promise.all([
    probe,
    startPython(options),
    source("./pyroad_runner.py"),
    source("./pyroad_trace.py"), // imported by the runner for Step through
    // The groups of pure-Python packages from PyPI shipped with the site (see dev.sh).
    fetch(new URL("./python-packages.json", import.meta.url)).then((r) => (r.ok ? r.json() : {}), () => ({})),
    configuration, // the buffers below
  ]);
  if (interruptBuffer) pyodide.setInterruptBuffer(interruptBuffer);
  pyodide.setStdout(writer("stdout"));
  pyodide.setStderr(writer("stderr"));
  pyodide.FS.writeFile("/home/pyodide/pyroad_runner.py", runnerSource);
  // Among the installed packages, not the learner's folders (whose modules each run forgets).
  const packages = pyodide.runPython("import sysconfig; sysconfig.get_path('purelib')");
  pyodide.FS.writeFile(`${packages}/pyroad_trace.py`, traceSource);
  const runner = pyodide.pyimport("pyroad_runner");
  runner.setup(hooks);
  // JS Promise Integration lets input() and time.sleep() suspend Python (in calls made with
  // callPromising); without it they raise a clear error instead of hanging.
  const jspi = typeof WebAssembly.Suspending === "function";
  return { pyodide, runner, jspi, shipped, unpacked: new Set(), packages, boot, snapshot };
}

// Pyodide can boot from a memory snapshot in a fraction of a second instead of seconds. The
// page's spare worker makes one (the first worker doesn't: that would delay the first Run); the
// page hands it to later workers, so Stop gets a fresh interpreter quickly, and it is saved for
// the next visit, whose first worker boots from it. The API is private to Pyodide, so any
// failure falls back to a cold boot. Returns {pyodide, boot, snapshot (for the page)}.
async function startPython(options) {
  const fromPage = self.name === WORKER.FROM_PAGE_SNAPSHOT;
  const snapshot = fromPage ? (await configuration).snapshot : await savedSnapshot();
  if (snapshot) {
    try {
      const pyodide = await loadPyodide({ ...options, _loadSnapshot: snapshot });
      return fromPage
        ? { pyodide, boot: BOOT.SNAPSHOT, snapshot: null }
        : { pyodide, boot: BOOT.SAVED_SNAPSHOT, snapshot };
    } catch (error) {
      console.warn("PyRoad: booting Python from its memory snapshot failed, so it boots cold", error);
    }
  }
  if (self.name !== WORKER.MAKE_SNAPSHOT) return { pyodide: await loadPyodide(options), boot: BOOT.COLD, snapshot: null };
  // Taken before any JavaScript object is handed to Python: a snapshot can't hold those.
  const pyodide = await loadPyodide({ ...options, _makeSnapshot: true });
  try {
    return { pyodide, boot: BOOT.COLD, snapshot: pyodide.makeMemorySnapshot() };
  } catch (error) {
    console.warn("PyRoad: no memory snapshot", error);
    return { pyodide, boot: BOOT.COLD, snapshot: null };
  }
}

// One snapshot per origin, for this exact Pyodide (Cache Storage: may be missing or full).
const SNAPSHOTS = "pyroad-python-snapshot";
const SNAPSHOT_KEY = `${self.location.origin}/pyroad-python-snapshot/${version}`;

async function savedSnapshot() {
  try {
    const response = await caches.match(SNAPSHOT_KEY, { cacheName: SNAPSHOTS });
    return response ? new Uint8Array(await response.arrayBuffer()) : null;
  } catch {
    return null;
  }
}

async function saveSnapshot(blob) {
  try {
    await caches.delete(SNAPSHOTS); // an older Pyodide's snapshot
    await (await caches.open(SNAPSHOTS)).put(SNAPSHOT_KEY, new Response(blob));
  } catch (error) {
    console.warn("PyRoad: the Python snapshot couldn't be saved; the next visit boots cold", error);
  }
}

/// Makes what the code imports available: groups of packages shipped with the site are
/// unpacked, packages from Pyodide's index downloaded. Returns an error for the learner if that
/// fails.
async function loadImports(runtime, message) {
  const { pyodide } = runtime;
  const find = pyodide.runPython("from pyodide.code import find_imports; find_imports");
  // A Check's hidden tests may import packages too (pytest).
  // An answer in another language (SQL…) imports nothing; its tests may.
  const imports = [message.language ? "" : message.code, message.tests ?? ""].flatMap((code) => find(code).toJs());
  if (message.style === "pytest") imports.push("pytest"); // the runner imports it for them
  const shipped = (name) => Object.values(runtime.shipped).some((g) => g.modules.includes(name));
  const groups = Object.entries(runtime.shipped).filter(([, { modules }]) => imports.some((name) => modules.includes(name)));
  for (const [group, { file, bytes }] of groups) {
    if (runtime.unpacked.has(group)) continue;
    post({ type: "loading", id: message.id, packages: [`the ${group} packages`] });
    let response;
    try {
      response = await fetch(new URL(file, import.meta.url));
    } catch {
      response = null;
    }
    if (!response?.ok) {
      const size = `${(bytes / 1024 / 1024).toFixed(1)} MB`;
      return {
        type: "ModuleNotFoundError",
        message: `The ${group} packages (${size}) are downloaded from this site the first time a program imports one of them, and that failed. ` +
          "Connect to the internet and run this again; after that they work offline.",
        line: null,
        traceback: response ? `${response.status} for ${file}` : "",
        cause: CAUSE.DOWNLOAD_FAILED,
      };
    }
    pyodide.unpackArchive(await response.arrayBuffer(), "zip", { extractDir: runtime.packages });
    pyodide.runPython("import importlib; importlib.invalidate_caches()");
    runtime.unpacked.add(group);
  }
  // A package shipped with the site wins over one of the same name in Pyodide's index: the
  // index is online only, and its version may not match the shipped packages'.
  // By the modules each package provides (`import sklearn` is the package scikit-learn),
  // mapped once per interpreter rather than on every job.
  const provider = (runtime.provider ??= new Map(Object.entries(pyodide.lockfile.packages)
    .flatMap(([name, { imports: provided = [] }]) => provided.map((module) => [module, name]))));
  // A group built on packages from the index (seaborn on pandas) loads them too.
  const underneath = groups.flatMap(([, group]) => group.pyodide ?? []);
  const wanted = [...new Set([...imports.filter((name) => provider.has(name) && !shipped(name)).map((name) => provider.get(name)), ...underneath])]
    .filter((name) => !pyodide.loadedPackages[name]);
  if (!wanted.length) return null;
  post({ type: "loading", id: message.id, packages: wanted });
  const failed = [];
  await pyodide.loadPackage(wanted, { messageCallback: () => {}, errorCallback: (text) => failed.push(text) });
  const missing = wanted.filter((name) => !pyodide.loadedPackages[name]);
  if (!missing.length) return null;
  return {
    type: "ModuleNotFoundError",
    message: (missing.length === 1 ? `${missing[0]} is downloaded from the internet the first time it is used`
      : `${missing.join(", ")} are downloaded from the internet the first time they are used`) + ", and that failed. " +
      "Connect to the internet and run this again.",
    line: null,
    traceback: failed.join("\n"),
    cause: CAUSE.DOWNLOAD_FAILED,
  };
}

/// Whether the interpreter still runs code (after a fatal error, every call throws).
function usable(pyodide) {
  try {
    pyodide.runPython("None");
    return true;
  } catch {
    return false;
  }
}

// `text` is the request as the page sent it, handed to the runner whole.
async function execute(runtime, message, text) {
  const { runner, jspi } = runtime;
  job = { id: message.id, stream: "stdout", pending: "", shown: 0, total: 0, writes: 0, images: 0, flushedAt: Date.now() };
  // A Stop that came after the last job ended is not for this one.
  if (interruptBuffer) interruptBuffer[0] = 0;
  if (syncBuffer) Atomics.store(syncBuffer.state, 0, SYNC.IDLE);
  const started = performance.now();
  let result;
  try {
    const unavailable = await loadImports(runtime, message);
    if (unavailable) throw { pyError: unavailable };
    // With JSPI, input() and time.sleep() can suspend Python until the page answers.
    const call = (fn, ...args) => (jspi ? fn.callPromising(...args) : fn(...args));
    const reply = await call(runner.handle, text);
    result = reply.toJs({ dict_converter: Object.fromEntries })[message.type];
    reply.destroy();
  } catch (error) {
    // Very deep recursion in some C paths (a property setter that sets itself) overflows the
    // wasm stack, and a bad call through ctypes can corrupt memory: either kills this
    // interpreter for good. Say which happened, and have the page switch to a fresh worker.
    const overflow = /Maximum call stack size exceeded/i.test(String(error));
    const fatal = overflow || /fatal/i.test(String(error)) || !usable(runtime.pyodide);
    if (fatal) crashed = true;
    const crash = overflow
      ? { type: "RecursionError", message: "the program recursed so deeply that Python crashed; it has been restarted for your next run" }
      : { type: "SystemError", message: "Python crashed: the program did something the interpreter couldn't survive (a C function called through ctypes with the wrong types, say); it has been restarted for your next run" };
    const pyError = error.pyError ?? (fatal
      ? { ...crash, line: null, traceback: "" }
      : { type: "InternalError", message: String(error), line: null, traceback: "" });
    result = message.type === "check" ? { error: pyError, results: [] } : { ok: false, error: pyError };
  }
  flush();
  const elapsed_ms = performance.now() - started;
  const cut = job.total > job.shown ? job.total : 0;
  post({ type: "done", id: message.id, result: { [message.type]: result }, elapsed_ms, output_cut_total: cut });
  job = null;
  if (crashed) post({ type: "crashed" });
}

boot().then(
  (runtime) => {
    const python = runtime.pyodide.runPython("import sys; sys.version.split()[0]");
    post({ type: "ready", python, jspi: runtime.jspi, session, boot: runtime.boot });
    // After "ready", so a first Run doesn't wait for them: the snapshot moves to the page (not
    // copied: ~30 MB), and a new one is saved a little later, off the first Run's path.
    const { snapshot } = runtime;
    runtime.snapshot = null;
    if (snapshot) {
      const copy = runtime.boot === BOOT.COLD ? new Blob([snapshot]) : null;
      self.postMessage({ snapshot }, [snapshot.buffer]);
      if (copy) setTimeout(() => saveSnapshot(copy), 2000);
    }
    let chain = Promise.resolve();
    handle = (message, text) => { chain = chain.then(() => execute(runtime, message, text)); };
    queued.splice(0).forEach(([message, text]) => handle(message, text));
  },
  (error) => post({ type: "boot-failed", error: String(error && error.message ? error.message : error) }),
);
