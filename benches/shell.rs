//! Prints the size of the app shell and the time to the first roadmap render, next to a static
//! HTML page of the same roadmap served the same way (a snapshot of the rendered app, scripts
//! removed). Run with `./dev.sh bench`.
//!
//! Then the layout shift of the roadmap and of a lesson with exercises while they load.
//!
//! Last, Lighthouse 13's scores (the median of three runs) for the roadmap, a lesson with
//! exercises and the progress page (its mobile preset: slow 4G, 4× slower CPU), with the course
//! served as a host that sends the build's precompressed copies would.
//!
//! Budgets (reported, not enforced): shell ≤ 200 KB brotli; first render ≤ 1.5× the static page;
//! layout shift ≤ 0.05; Lighthouse performance ≥ 90 and 100 for the rest.

// The browser tests' support; a benchmark uses only part of it.
#[allow(dead_code)]
#[path = "../tests/browser/support.rs"]
mod support;

use std::io::Write;
use support::{Browser, StaticServer, dist_dir};

const RUNS: usize = 7;

fn brotli_size(bytes: &[u8]) -> usize {
    let mut out = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        w.write_all(bytes).unwrap();
    }
    out.len()
}

fn kb(bytes: usize) -> String {
    format!("{:.1} KB", bytes as f64 / 1024.0)
}

/// Resolves with the time (ms since navigation) of the page's largest contentful paint, once
/// the roadmap is in the page: the moment the roadmap is on screen, for app and static page alike.
const PAINT_TIME: &str = r#"
const done = arguments[arguments.length - 1];
const settle = () => new PerformanceObserver((list, observer) => {
  const entries = list.getEntries();
  observer.disconnect();
  done(entries.length ? entries[entries.length - 1].startTime : null);
}).observe({ type: 'largest-contentful-paint', buffered: true });
const wait = () => document.querySelector('.lesson-node') ? setTimeout(settle, 500) : setTimeout(wait, 20);
wait();
"#;

async fn first_render(url: &str) -> f64 {
    let b = Browser::start().await;
    b.goto(url).await;
    let time = b
        .client
        .execute_async(PAINT_TIME, vec![])
        .await
        .expect("timing script");
    b.close().await;
    time.as_f64()
        .unwrap_or_else(|| panic!("{url}: the roadmap was never painted"))
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

#[tokio::main]
async fn main() {
    let dist = dist_dir();
    println!("PyRoad shell (release build in {})", dist.display());
    println!("  {:<44} {:>10} {:>10}", "file", "raw", "brotli");
    let (mut raw_total, mut br_total) = (0, 0);
    let mut files: Vec<_> = std::fs::read_dir(&dist)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.extension()
                .is_some_and(|e| e == "wasm" || e == "js" || e == "css" || e == "html")
        })
        .collect();
    files.sort();
    // The shell is what the roadmap page loads; these come later, where needed.
    let later = ["editor.js", "python-worker.js", "sw.js"];
    let (deferred, shell): (Vec<_>, Vec<_>) = files
        .into_iter()
        .partition(|p| later.iter().any(|l| p.ends_with(l)));
    for path in shell {
        let bytes = std::fs::read(&path).unwrap();
        let br = brotli_size(&bytes);
        raw_total += bytes.len();
        br_total += br;
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        println!("  {name:<44} {:>10} {:>10}", kb(bytes.len()), kb(br));
    }
    println!(
        "  {:<44} {:>10} {:>10}   (budget 200 KB brotli)",
        "total (index.html carries the course data)",
        kb(raw_total),
        kb(br_total)
    );
    println!("Loaded later, where needed:");
    for path in deferred {
        let bytes = std::fs::read(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        println!(
            "  {name:<44} {:>10} {:>10}",
            kb(bytes.len()),
            kb(brotli_size(&bytes))
        );
    }

    // What the service worker downloads at install, and the package groups it caches later.
    let sw = std::fs::read_to_string(dist.join("sw.js")).unwrap();
    let list = sw
        .lines()
        .find_map(|l| l.strip_prefix("const PRECACHE = "))
        .and_then(|l| l.strip_suffix(';'))
        .expect("sw.js lists its files");
    let files: Vec<(String, u64)> = serde_json::from_str(list).unwrap();
    let bytes: u64 = files.iter().map(|(_, size)| size).sum();
    println!(
        "Offline copy at install: {} files, {:.1} MB (budget 20 MB)",
        files.len(),
        bytes as f64 / 1e6
    );
    let groups: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(dist.join("python-packages.json")).unwrap())
            .unwrap();
    println!("Python package groups, each downloaded when a program first imports it:");
    for (group, info) in groups {
        println!(
            "  {group:<44} {:>10}",
            kb(info["bytes"].as_u64().unwrap() as usize)
        );
    }

    // The static twin: the roadmap exactly as the app rendered it, with the same stylesheet.
    let site = StaticServer::start(dist.clone(), "/");
    let b = Browser::start().await;
    b.goto(&site.url("")).await;
    b.find(".lesson-node").await;
    let snapshot = b
        .js("document.querySelectorAll('script').forEach(s => s.remove()); \
             document.querySelectorAll('link[rel=modulepreload], link[rel=preload]').forEach(l => l.remove()); \
             return '<!doctype html>' + document.documentElement.outerHTML;")
        .await;
    b.close().await;
    site.add_page("static-roadmap.html", snapshot.as_str().expect("page html"));

    let mut app = Vec::new();
    let mut page = Vec::new();
    for _ in 0..RUNS {
        app.push(first_render(&site.url("")).await);
        page.push(first_render(&site.url("static-roadmap.html")).await);
    }
    let (app, page) = (median(app), median(page));
    println!("Roadmap on screen (largest contentful paint), cold cache, median of {RUNS} runs:");
    println!("  app          {app:>7.0} ms");
    println!("  static page  {page:>7.0} ms");
    println!("  ratio        {:>7.2}    (budget 1.5)", app / page);

    // Layout shift while a page loads on a slow connection: lesson text and editor arrive late.
    let slow = StaticServer::start(dist.clone(), "/");
    slow.delay("lessons/", std::time::Duration::from_millis(400));
    slow.delay("editor.js", std::time::Duration::from_millis(800));
    println!("Layout shift while loading (lesson text +400 ms, editor +800 ms; budget 0.05):");
    for (name, route) in [
        ("roadmap", ""),
        ("lesson with exercises (functions)", "#/lesson/functions"),
    ] {
        let b = Browser::start().await;
        let (total, _) = b.layout_shift(&slow.url(route)).await;
        b.close().await;
        println!("  {name:<36} {total:>7.3}");
    }

    println!(
        "Lighthouse {LIGHTHOUSE}, mobile preset, median of {LIGHTHOUSE_RUNS} runs (budget: performance ≥ 90, the rest 100):"
    );
    for (name, route) in PAGES {
        let runs: Result<Vec<_>, _> = (0..LIGHTHOUSE_RUNS)
            .map(|_| lighthouse(&site.url(route)))
            .collect();
        match runs {
            Ok(runs) => println!("  {name:<36} {}", median_run(runs)),
            Err(why) => println!("  {name:<36} not measured: {why}"),
        }
    }
}

/// The same build scores several points apart from run to run (the lesson page: 75-88), so one
/// run says little; the median one is reported, with the spread.
const LIGHTHOUSE_RUNS: usize = 3;

const LIGHTHOUSE: &str = "lighthouse@13.5.0";

const PAGES: [(&str, &str); 3] = [
    ("roadmap", ""),
    ("lesson with exercises (functions)", "#/lesson/functions"),
    ("progress", "#/progress"),
];

/// One Lighthouse run: performance (0-100), then the whole line it reports.
struct Run {
    performance: u32,
    line: String,
}

/// The run with the median performance score, and the lowest and highest scores of all runs.
fn median_run(mut runs: Vec<Run>) -> String {
    runs.sort_by_key(|r| r.performance);
    let (low, high) = (runs[0].performance, runs[runs.len() - 1].performance);
    let median = &runs[runs.len() / 2];
    format!("{} [performance {low}-{high} across runs]", median.line)
}

/// Lighthouse's four scores and the paint, blocking and shift figures behind performance, from
/// npm (npx fetches it the first time).
fn lighthouse(url: &str) -> Result<Run, String> {
    let chrome = std::env::var("CHROME").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let out = std::process::Command::new("npx")
        .args([
            "--yes",
            LIGHTHOUSE,
            url,
            "--quiet",
            "--output=json",
            "--output-path=stdout",
        ])
        .arg(format!("--chrome-path={chrome}"))
        .arg("--chrome-flags=--headless --no-sandbox --disable-gpu")
        .arg("--only-categories=performance,accessibility,best-practices,seo")
        .output()
        .map_err(|e| format!("can't run npx ({e})"))?;
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).map_err(|_| {
        String::from_utf8_lossy(&out.stderr)
            .lines()
            .last()
            .unwrap_or("")
            .to_owned()
    })?;
    let score = |category: &str| {
        report["categories"][category]["score"]
            .as_f64()
            .map_or("?".to_owned(), |s| format!("{:.0}", s * 100.0))
    };
    let figure = |audit: &str| {
        report["audits"][audit]["displayValue"]
            .as_str()
            .unwrap_or("?")
            .to_owned()
    };
    let performance = report["categories"]["performance"]["score"]
        .as_f64()
        .ok_or("the report has no performance score")?;
    let line = format!(
        "performance {} (LCP {}, TBT {}, CLS {}), accessibility {}, best practices {}, SEO {}",
        score("performance"),
        figure("largest-contentful-paint"),
        figure("total-blocking-time"),
        figure("cumulative-layout-shift"),
        score("accessibility"),
        score("best-practices"),
        score("seo")
    );
    Ok(Run {
        performance: (performance * 100.0).round() as u32,
        line,
    })
}
