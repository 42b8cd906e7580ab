//! End-to-end test support: the built site served on 127.0.0.1, and headless Chromium driven
//! over WebDriver (chromedriver).

use fantoccini::{Client, ClientBuilder, Locator};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The release build that `./dev.sh test` makes before running the tests (or the build in
/// `PYROAD_DIST`, to test a copy while `dist/` is being rebuilt).
pub fn dist_dir() -> PathBuf {
    let dist = std::env::var_os("PYROAD_DIST").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("dist"),
        PathBuf::from,
    );
    assert!(
        dist.join("index.html").is_file(),
        "{} has no build: run `./dev.sh test`, which builds the site before testing it",
        dist.display()
    );
    dist
}

fn mime(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "webmanifest" => "application/manifest+json",
        _ => "application/octet-stream",
    }
}

/// A static file server for one folder, mounted at a path prefix (e.g. `/courses/python/`).
/// Extra in-memory pages can be added, such as a host page that embeds the site.
pub struct StaticServer {
    pub port: u16,
    mount: String,
    running: Arc<AtomicBool>,
    extra: Arc<Mutex<HashMap<String, (String, &'static str)>>>,
    headers: Arc<Mutex<String>>,
    delays: Arc<Mutex<HashMap<String, Duration>>>,
}

impl StaticServer {
    pub fn start(root: PathBuf, mount: &str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a local port");
        let port = listener.local_addr().unwrap().port();
        let running = Arc::new(AtomicBool::new(true));
        let extra: Arc<Mutex<HashMap<String, (String, &'static str)>>> = Arc::default();
        let headers: Arc<Mutex<String>> = Arc::default();
        let delays: Arc<Mutex<HashMap<String, Duration>>> = Arc::default();
        let (run, pages, prefix, more, slow) = (
            running.clone(),
            extra.clone(),
            mount.to_owned(),
            headers.clone(),
            delays.clone(),
        );
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if !run.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let (root, prefix, pages) = (root.clone(), prefix.clone(), pages.clone());
                let more = more.lock().unwrap().clone();
                let slow = slow.clone();
                std::thread::spawn(move || serve(stream, &root, &prefix, &pages, &more, &slow));
            }
        });
        Self {
            port,
            mount: mount.to_owned(),
            running,
            extra,
            headers,
            delays,
        }
    }

    /// Answers requests for paths starting with `prefix` (relative to the mount point) only
    /// after `delay`, like a slow connection.
    pub fn delay(&self, prefix: &str, delay: Duration) {
        self.delays.lock().unwrap().insert(prefix.to_owned(), delay);
    }

    /// Sends these header lines (each ending in `\r\n`) with every response from now on.
    pub fn set_headers(&self, lines: &str) {
        *self.headers.lock().unwrap() = lines.to_owned();
    }

    /// URL of `path` (relative to the mount point) on this server.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{}{}", self.port, self.mount, path)
    }

    pub fn add_page(&self, path: &str, html: &str) {
        self.add_file(path, html, "text/html; charset=utf-8");
    }

    pub fn add_file(&self, path: &str, body: &str, content_type: &'static str) {
        self.extra
            .lock()
            .unwrap()
            .insert(path.to_owned(), (body.to_owned(), content_type));
    }

    /// Stops answering: later connections are refused.
    pub fn stop(&self) {
        self.running.store(false, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag and drops the listener.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn serve(
    mut stream: TcpStream,
    root: &Path,
    mount: &str,
    extra: &Mutex<HashMap<String, (String, &'static str)>>,
    headers: &str,
    delays: &Mutex<HashMap<String, Duration>>,
) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    // Of the headers, only whether the browser takes Brotli matters.
    let mut line = String::new();
    let mut brotli = false;
    while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
        let header = line.to_ascii_lowercase();
        brotli |= header.starts_with("accept-encoding:") && header.contains("br");
        line.clear();
    }
    let target = request_line.split_whitespace().nth(1).unwrap_or("/");
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let found = path.strip_prefix(mount).map(|rel| {
        let rel = if rel.is_empty() || rel.ends_with('/') {
            format!("{rel}index.html")
        } else {
            rel.to_owned()
        };
        let delay = delays
            .lock()
            .unwrap()
            .iter()
            .find(|(prefix, _)| rel.starts_with(prefix.as_str()))
            .map(|(_, delay)| *delay);
        if let Some(delay) = delay {
            std::thread::sleep(delay);
        }
        if let Some((body, kind)) = extra.lock().unwrap().get(&rel) {
            return Some((body.clone().into_bytes(), *kind, ""));
        }
        if rel.split('/').any(|part| part == "..") {
            return None;
        }
        // As a host that serves the build's precompressed copies does (README, "Deploying").
        let file = root.join(&rel);
        let compressed = root.join(format!("{rel}.br"));
        match std::fs::read(&compressed) {
            Ok(body) if brotli => Some((body, mime(&file), "Content-Encoding: br\r\n")),
            _ => std::fs::read(&file)
                .ok()
                .map(|body| (body, mime(&file), "")),
        }
    });
    let response = match found.flatten() {
        Some((body, kind, encoding)) => {
            let mut head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\n{encoding}Content-Length: {}\r\nCache-Control: no-cache\r\n{headers}Connection: close\r\n\r\n",
                body.len()
            )
            .into_bytes();
            head.extend(body);
            head
        }
        None => {
            b"HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot found"
                .to_vec()
        }
    };
    let _ = stream.write_all(&response);
}

/// Fails listing every problem found, one a line (tests that check many things collect them).
pub fn assert_no_problems(problems: &[String]) {
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// Resolves with the page's layout shifts as `[score, "what moved"]`, once the page shows its
/// content (a lesson's text or the roadmap) and every exercise on screen has its code editor.
const LAYOUT_SHIFTS: &str = r#"
const done = arguments[arguments.length - 1];
const shifts = [];
const name = (n) => n ? `${n.nodeName.toLowerCase()}${n.id ? '#' + n.id : ''}${n.className ? '.' + String(n.className).split(' ').join('.') : ''}` : '?';
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    if (!e.hadRecentInput) shifts.push([e.value, e.sources.map((s) => name(s.node)).join(', ')]);
  }
}).observe({ type: 'layout-shift', buffered: true });
const ready = () => document.querySelector('article.lesson .prose, .lesson-node')
  && [...document.querySelectorAll('.exercise')]
    .filter((e) => e.getBoundingClientRect().top < innerHeight)
    .every((e) => e.querySelector('.cm-editor'));
const wait = () => ready() ? setTimeout(() => done(shifts), 1000) : setTimeout(wait, 50);
wait();
"#;

/// Headless Chromium with a fresh profile, driven through chromedriver.
pub struct Browser {
    pub client: Client,
    driver: Child,
    driver_port: u16,
    profile: PathBuf,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A fresh folder that Chromium saves downloads into without asking; removed when dropped.
pub struct Downloads(pub PathBuf);

impl Downloads {
    pub fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("pyroad-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    /// Chrome preferences for [`Browser::start_with`].
    pub fn prefs(&self) -> serde_json::Value {
        serde_json::json!({
            "download": { "default_directory": self.0.display().to_string(), "prompt_for_download": false }
        })
    }

    /// The downloaded file with this extension, once it has arrived whole.
    pub async fn file(&self, extension: &str) -> PathBuf {
        for _ in 0..100 {
            let found = std::fs::read_dir(&self.0)
                .unwrap()
                .flatten()
                .map(|e| e.path())
                .find(|p| p.extension().is_some_and(|e| e == extension));
            if let Some(file) = found {
                return file;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "no .{extension} file was downloaded into {}",
            self.0.display()
        );
    }
}

impl Drop for Downloads {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl Browser {
    pub async fn start() -> Self {
        Self::start_with(serde_json::json!({})).await
    }

    /// Starts Chromium with extra Chrome preferences (`prefs` in chromeOptions).
    pub async fn start_with(prefs: serde_json::Value) -> Self {
        let port = free_port();
        let chromedriver = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
        let driver = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("can't start {chromedriver} ({e}): run `./dev.sh test`, which installs it")
            });
        let profile =
            std::env::temp_dir().join(format!("pyroad-chromium-{port}-{}", std::process::id()));
        let chrome = std::env::var("CHROME").unwrap_or_else(|_| "/usr/bin/chromium".into());
        let caps = serde_json::json!({
            "goog:chromeOptions": {
                "binary": chrome,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                    "--window-size=1280,900",
                    format!("--user-data-dir={}", profile.display()),
                ],
                "prefs": prefs,
            }
        });
        let serde_json::Value::Object(caps) = caps else {
            unreachable!()
        };
        let url = format!("http://127.0.0.1:{port}");
        let mut last_error = String::new();
        for _ in 0..100 {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(client) => {
                    return Self {
                        client,
                        driver,
                        driver_port: port,
                        profile,
                    };
                }
                Err(e) => last_error = e.to_string(),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("chromedriver didn't start a browser: {last_error}");
    }

    /// Runs a Chrome DevTools Protocol command (chromedriver's `goog/cdp/execute`), for what
    /// WebDriver can't ask, such as whether Chromium would offer to install the site.
    pub async fn cdp(&self, cmd: &str, params: serde_json::Value) -> serde_json::Value {
        let session = self.client.session_id().await.unwrap().expect("a session");
        let body = serde_json::json!({ "cmd": cmd, "params": params }).to_string();
        let request = format!(
            "POST /session/{session}/goog/cdp/execute HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.driver_port,
            body.len()
        );
        let mut stream = TcpStream::connect(("127.0.0.1", self.driver_port)).expect("chromedriver");
        stream.write_all(request.as_bytes()).unwrap();
        // Read the headers, then as many bytes as they announce.
        let mut reader = BufReader::new(stream);
        let mut length = 0;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap();
            }
            if line.trim().is_empty() {
                break;
            }
        }
        let mut json = vec![0; length];
        reader.read_exact(&mut json).unwrap();
        let answer: serde_json::Value =
            serde_json::from_slice(&json).expect("JSON from chromedriver");
        answer["value"].clone()
    }

    /// From now on, every page this browser opens records its uncaught errors and rejections
    /// (a Rust panic in the app is one) for [`Browser::page_errors`].
    pub async fn record_page_errors(&self) {
        let source = "window.__pageErrors = [];\
            addEventListener('error', (e) => __pageErrors.push(String(e.message)));\
            addEventListener('unhandledrejection', (e) => __pageErrors.push(String(e.reason)));";
        self.cdp(
            "Page.addScriptToEvaluateOnNewDocument",
            serde_json::json!({ "source": source }),
        )
        .await;
    }

    /// The layout shift (not caused by the learner's input) of the page loaded at `url`, once
    /// its content and every code editor are in place and a second has passed: the total, and
    /// each shift's score with the elements that moved.
    pub async fn layout_shift(&self, url: &str) -> (f64, Vec<(f64, String)>) {
        // A new page load, even where only the fragment differs from the last.
        self.goto("about:blank").await;
        self.goto(url).await;
        let shifts = self
            .client
            .execute_async(LAYOUT_SHIFTS, vec![])
            .await
            .expect("layout-shift script");
        let shifts: Vec<(f64, String)> = serde_json::from_value(shifts).expect("a list of shifts");
        (
            shifts.iter().fold(0.0, |sum, (score, _)| sum + score),
            shifts,
        )
    }

    /// What [`Browser::record_page_errors`] has recorded on the current page.
    pub async fn page_errors(&self) -> Vec<String> {
        let errors = self
            .js("return window.__pageErrors || ['errors were not recorded'];")
            .await;
        serde_json::from_value(errors).expect("a list of strings")
    }

    /// The accessible name of the element `css` names: what a screen reader announces.
    pub async fn accessible_name(&self, css: &str) -> String {
        self.find(css).await;
        let root = self
            .cdp("DOM.getDocument", serde_json::json!({ "depth": 0 }))
            .await;
        let node = self
            .cdp(
                "DOM.querySelector",
                serde_json::json!({ "nodeId": root["root"]["nodeId"], "selector": css }),
            )
            .await;
        let tree = self
            .cdp(
                "Accessibility.getPartialAXTree",
                serde_json::json!({ "nodeId": node["nodeId"], "fetchRelatives": false }),
            )
            .await;
        tree["nodes"][0]["name"]["value"]
            .as_str()
            .unwrap_or_else(|| panic!("`{css}` has no accessible name: {tree}"))
            .to_owned()
    }

    pub async fn goto(&self, url: &str) {
        self.client.goto(url).await.expect("navigate");
    }

    /// Waits (up to 20 s) for an element and returns it. A code editor mounts only when its
    /// block comes near the screen, as it would for a learner scrolling to it: for a selector
    /// of editor parts (`… .cm-content`), the block is scrolled to first.
    pub async fn find(&self, css: &str) -> fantoccini::elements::Element {
        if let Some(block) = [" .cm-content", " .cm-editor"]
            .iter()
            .find_map(|part| css.strip_suffix(part))
        {
            self.scroll_to(block).await;
            self.scroll_to(css).await;
        }
        self.client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element `{css}` appeared: {e}"))
    }

    /// Waits for the element `css` names to be on the page and no longer `aria-busy`: a long
    /// page (the roadmap's stages, a lesson's blocks) arrives a part at a time.
    pub async fn settled(&self, css: &str) {
        self.find(css).await;
        self.wait_until(&format!(
            "document.querySelector({css:?})?.getAttribute('aria-busy') !== 'true'"
        ))
        .await;
    }

    /// Clicks the element `css` names, once it is on the page. It is scrolled to the middle
    /// of the window first, so the sticky header can't be in the way; and, as a learner aims
    /// once the page stops moving, not while a long page's later parts are still arriving
    /// above it (`aria-busy`).
    pub async fn click(&self, css: &str) {
        self.wait_until("!document.querySelector('[aria-busy=\"true\"]')")
            .await;
        self.scroll_to(css).await;
        self.find(css).await.click().await.expect("click");
    }

    /// Scrolls the first element `css` names (once there is one) to the middle of the window.
    pub async fn scroll_to(&self, css: &str) {
        self.wait_until(&format!("document.querySelector({css:?})"))
            .await;
        self.client
            .execute(
                "document.querySelector(arguments[0]).scrollIntoView({ block: 'center' })",
                vec![css.into()],
            )
            .await
            .expect("scroll into view");
    }

    pub async fn count(&self, css: &str) -> usize {
        self.client
            .find_all(Locator::Css(css))
            .await
            .expect("query")
            .len()
    }

    pub async fn text(&self, css: &str) -> String {
        self.find(css).await.text().await.expect("element text")
    }

    pub async fn attr(&self, css: &str, name: &str) -> Option<String> {
        self.find(css).await.attr(name).await.expect("attribute")
    }

    /// Replaces the text of the code editor at `css` (its `.cm-content`) by typing, as a
    /// learner would: select all, then type. Keep `code` to one line, since Enter auto-indents.
    pub async fn type_into_editor(&self, css: &str, code: &str) {
        let editor = self.find(css).await;
        editor.click().await.expect("focus the editor");
        let select_all = format!(
            "{}a{}",
            char::from(fantoccini::key::Key::Control),
            char::from(fantoccini::key::Key::Null)
        );
        editor.send_keys(&select_all).await.expect("select all");
        editor.send_keys(code).await.expect("type");
    }

    /// Runs JavaScript in the page and returns its result.
    pub async fn js(&self, script: &str) -> serde_json::Value {
        self.client
            .execute(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Polls `condition` (JavaScript returning a boolean) until true, for up to 20 s.
    pub async fn wait_until(&self, condition: &str) {
        self.wait_until_secs(condition, 20).await;
    }

    /// Polls `condition` until true, for up to `secs` seconds.
    pub async fn wait_until_secs(&self, condition: &str, secs: u64) {
        let script = format!("return !!({condition});");
        for _ in 0..secs * 10 {
            if self.js(&script).await == serde_json::Value::Bool(true) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("timed out waiting for: {condition}");
    }

    /// Waits until the Python worker has saved its memory snapshot for the next visit.
    pub async fn wait_until_python_snapshot_saved(&self) {
        // Each poll asks Cache Storage again and reads the previous poll's answer.
        self.wait_until_secs(
            "(caches.open('pyroad-python-snapshot').then((c) => c.keys())\
               .then((k) => { window.snapshotSaved = k.length > 0; }), window.snapshotSaved === true)",
            60,
        )
        .await;
    }

    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

impl Drop for Browser {
    // Also runs when a test fails, so no browser outlives its test.
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// How many lessons the course has, as content/ says: the roadmap shows each one.
pub fn lesson_count() -> usize {
    pyroad::build::content::load(std::path::Path::new("content"))
        .expect("content/ is valid")
        .course
        .lesson_count()
}
