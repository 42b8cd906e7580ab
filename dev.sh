#!/usr/bin/env bash
# PyRoad's one entry point for developers and CI.
#
#   ./dev.sh serve    build the course and serve it at http://127.0.0.1:8080 (rebuilds on change)
#   ./dev.sh test     formatting, lints, the release build, and every test (unit, content, browser)
#   ./dev.sh build    release build into dist/ (deploy that folder)
#   ./dev.sh bench    release build, then print size, first-render and Python figures
#
# Each command first installs what it needs and is missing: the wasm target, Trunk,
# wasm-bindgen-cli (the version in Cargo.lock), wasm-opt (npm), and for tests Chromium and
# chromedriver (Debian packages).
set -euo pipefail
cd "$(dirname "$0")"

TRUNK_VERSION=0.21.14
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

ensure_build_tools() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32 target"
    rustup target add wasm32-unknown-unknown
  fi
  if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
    say "installing Trunk $TRUNK_VERSION (a few minutes, once)"
    cargo install trunk --version "$TRUNK_VERSION" --locked
  fi
  # Trunk uses the wasm-bindgen on PATH only when it matches the crate in Cargo.lock exactly.
  local wb
  wb=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
  if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $wb" ]; then
    say "installing wasm-bindgen-cli $wb (a few minutes, once)"
    cargo install wasm-bindgen-cli --version "$wb"
  fi
  if [ ! -x node_modules/.bin/wasm-opt ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "installing npm packages"
    npm ci --no-audit --no-fund
  fi
}

ensure_browser() {
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    say "installing Chromium and chromedriver"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q chromium chromium-driver
  fi
}

# Pure-Python packages for lessons, in groups (content/python-packages/<group>.txt): each group
# downloaded once by exact hash and merged into one archive named by its content, listed with
# the modules it holds in python-packages.json. The worker unpacks a group when a program first
# imports one of them; the service worker caches it then (groups are not precached).
python_packages() {
  local out="$1" spec group wheels
  for spec in content/python-packages/*.txt; do
    group=$(basename "$spec" .txt)
    wheels="target/python-wheels/$group"
    if [ ! -f "$wheels/.complete" ] || [ "$spec" -nt "$wheels/.complete" ]; then
      rm -rf "$wheels"
      python3 -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
        --python-version 3.14 --platform any --require-hashes -r "$spec" -d "$wheels"
      # `# source: name==version --hash=…`: a package whose PyPI wheels are all compiled, but
      # whose Python code runs without its optional C speedups (markupsafe): its source, by hash.
      sed -n 's/^# source: //p' "$spec" >"$wheels/sources.txt"
      if [ -s "$wheels/sources.txt" ]; then
        # Only these from source: their build tools (setuptools, Cython…) come as wheels.
        python3 -m pip download --quiet --disable-pip-version-check --no-deps \
          --no-binary="$(sed 's/[=<>!~ ].*//' "$wheels/sources.txt" | paste -sd, -)" \
          --require-hashes -r "$wheels/sources.txt" -d "$wheels"
      fi
      touch "$wheels/.complete"
    fi
  done
  python3 - "$out" <<'PY'
import fnmatch, hashlib, io, json, pathlib, re, sys, tarfile, time, zipfile

def source_files(sdist):
    """(path in site-packages, bytes, date) of a source package's pure-Python files: its
    package folders (those under src/ or lib/, else <name>/ at the top) less C and Cython
    sources, and a dist-info for metadata. PyYAML keeps its Python in lib/yaml and only
    Cython files in a top-level yaml/."""
    with tarfile.open(sdist) as tar:
        members = [m for m in tar.getmembers() if m.isfile()]
        root = members[0].name.split("/")[0]
        name = root.rsplit("-", 1)[0].lower()
        inner = lambda m: m.name.split("/", 1)[1]
        packages = tuple(inner(m).removesuffix("__init__.py") for m in members
                         if re.fullmatch(r"(src|lib)/[a-z]\w*/__init__\.py", inner(m))) or (f"{name}/",)
        for m in members:
            path, date = inner(m), time.gmtime(m.mtime)[:6]
            if path.startswith(packages) and not path.endswith((".c", ".h", ".pyx", ".pxd", ".pyi")):
                yield re.sub(r"^(src|lib)/", "", path), tar.extractfile(m).read(), date
            elif path == "PKG-INFO":
                yield f"{root}.dist-info/METADATA", tar.extractfile(m).read(), date

out = pathlib.Path(sys.argv[1]) / "python-packages"
out.mkdir(exist_ok=True)
groups = {}
for spec in sorted(pathlib.Path("content/python-packages").glob("*.txt")):
    group = spec.stem
    # `# key: a, b` lines of the list.
    said = lambda key: [v.strip() for line in spec.read_text().splitlines()
                        if (m := re.match(rf"#\s*{key}:\s*(.+)", line)) for v in m.group(1).split(",")]
    leave_out = said("leave-out")  # wheel files the group doesn't need (plotly's copies of plotly.js)
    modules, data = set(), io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as archive:
        for wheel in sorted(pathlib.Path("target/python-wheels", group).glob("*.whl")):
            with zipfile.ZipFile(wheel) as files:
                for info in files.infolist():  # the wheels' own dates: the same archive each build
                    if any(fnmatch.fnmatch(info.filename, pattern) for pattern in leave_out):
                        continue
                    archive.writestr(info, files.read(info), zipfile.ZIP_DEFLATED)
                    top = info.filename.split("/")[0]
                    if not top.endswith((".dist-info", ".data")):
                        modules.add(top.removesuffix(".py"))
        for sdist in sorted(pathlib.Path("target/python-wheels", group).glob("*.tar.gz")):
            for path, blob, date in source_files(sdist):
                archive.writestr(zipfile.ZipInfo(path, date), blob, zipfile.ZIP_DEFLATED)
                if not path.split("/")[0].endswith(".dist-info"):
                    modules.add(path.split("/")[0])
        # The group's own folder: small stand-ins for compiled packages it can't ship.
        own = spec.with_suffix("")
        for path in sorted(p for p in own.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            name = path.relative_to(own).as_posix()
            archive.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), path.read_bytes(), zipfile.ZIP_DEFLATED)
            modules.add(name.split("/")[0].removesuffix(".py"))
    # `# loads-for: a, b`: only these modules load the group (its other modules, such as
    # requests in the cloud group, are there for them, and come from elsewhere for the rest).
    if said("loads-for"):
        modules = set(said("loads-for"))
    # `# imports: a, b` in the list: modules outside the group that need it (zoneinfo → tzdata).
    modules.update(said("imports"))
    blob = data.getvalue()
    name = f"{group}-{hashlib.sha256(blob).hexdigest()[:16]}.zip"
    (out / name).write_bytes(blob)
    groups[group] = {"file": f"python-packages/{name}", "bytes": len(blob), "modules": sorted(modules)}
    # `# from-pyodide: a, b`: packages from Pyodide's index the group is built on (seaborn's
    # numpy, pandas and matplotlib), loaded with it.
    if said("from-pyodide"):
        groups[group]["pyodide"] = said("from-pyodide")
(out.parent / "python-packages.json").write_text(json.dumps(groups, indent=1))
PY
}

# Trunk runs this after each build (Trunk.toml), with the build folder in TRUNK_STAGING_DIR.
post_build() {
  local out="$TRUNK_STAGING_DIR"
  # The course: checked, compiled, and embedded in index.html.
  cargo run --quiet --bin pyroad-content -- content "$out"
  # Files lessons read at run time (JSON for the API lessons, HTML pages to scrape).
  if [ -d content/data ]; then
    rm -rf "$out/data" && cp -r content/data "$out/data"
  fi
  # Python: the worker, its runner module, and the Pyodide files it boots from.
  cp src/js/python-worker.js src/python/pyroad_runner.py src/python/pyroad_trace.py "$out/"
  mkdir -p "$out/pyodide"
  local f
  for f in pyodide.mjs pyodide.asm.mjs pyodide.asm.wasm python_stdlib.zip pyodide-lock.json; do
    cp "node_modules/pyodide/$f" "$out/pyodide/"
  done
  python_packages "$out"
  # plotly.js, which draws the Plotly charts programs show (CHART_LIBRARY in protocol.rs).
  local plotly=node_modules/plotly.js-cartesian-dist-min
  cp "$plotly/plotly-cartesian.min.js" \
    "$out/python-packages/plotly-cartesian-$(node -p "require('./$plotly/package.json').version").min.js"
  # The code editor, bundled from npm; loaded only by pages with exercises.
  node_modules/.bin/esbuild src/js/editor.js --bundle --format=esm --minify --log-level=warning \
    --outfile="$out/editor.js"
  # Last, once every file is in place: the service worker that keeps them all offline.
  cargo run --quiet --bin pyroad-content -- precache "$out"
  if [ -n "${PYROAD_PRECOMPRESS:-}" ]; then precompress "$out"; fi
}

# Brotli and gzip copies beside each file that they shrink, for hosts that serve them as they
# are (README, "Deploying"); release builds only, as they take a minute.
precompress() {
  node --input-type=module - "$1" <<'JS'
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
let [before, after] = [0, 0];
for (const entry of readdirSync(process.argv[2], { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || /\.(br|gz)$/.test(entry.name)) continue;
  const path = `${entry.parentPath}/${entry.name}`;
  const data = readFileSync(path);
  const br = brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length } });
  if (br.length > data.length * 0.9) continue; // already compressed (the package groups)
  writeFileSync(`${path}.br`, br);
  writeFileSync(`${path}.gz`, gzipSync(data, { level: 9 }));
  [before, after] = [before + data.length, after + br.length];
}
console.log(`precompressed ${(before / 1e6).toFixed(1)} MB to ${(after / 1e6).toFixed(1)} MB of brotli (and gzip)`);
JS
}

build_release() {
  say "release build into dist/"
  PYROAD_PRECOMPRESS=1 trunk build --release --offline
}

case "${1:-}" in
  serve)
    ensure_build_tools
    exec trunk serve --offline --address 127.0.0.1 --port "${PORT:-8080}"
    ;;
  post-build)
    post_build
    ;;
  build)
    ensure_build_tools
    build_release
    ;;
  test)
    ensure_build_tools
    ensure_browser
    say "cargo fmt --check"
    cargo fmt --all -- --check
    say "clippy (native and wasm)"
    cargo clippy --all-targets -- -D warnings
    cargo clippy --target wasm32-unknown-unknown --bin pyroad -- -D warnings
    build_release
    say "tests"
    # The Python runner under plain CPython, against the golden worker messages (with
    # matplotlib, which Pyodide's index serves only online, for the figure tests, and plotly).
    if [ ! -f target/python-test/.complete ] || [ dev.sh -nt target/python-test/.complete ]; then
      rm -rf target/python-test
      python3 -m pip install --quiet --disable-pip-version-check --target target/python-test \
        matplotlib==3.11.2 pytest==9.0.1 plotly==7.1.0
      touch target/python-test/.complete
    fi
    PYTHONPATH=target/python-test python3 -m unittest discover --start-directory tests/protocol
    CHROMEDRIVER="${CHROMEDRIVER:-$(command -v chromedriver)}" cargo test -- --test-threads 2
    ;;
  bench)
    ensure_build_tools
    ensure_browser
    build_release
    CHROMEDRIVER="${CHROMEDRIVER:-$(command -v chromedriver)}" cargo bench --bench shell --bench python
    ;;
  *)
    sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
