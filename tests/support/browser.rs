//! Headless Chromium driven through WebDriver (Debian's chromium and chromium-driver, with the
//! fantoccini client), for the end-to-end tests of pages. Screenshots go to
//! target/screenshots/<test>/, numbered in the order they were taken.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};

use super::project::{free_port, wait_for_port};

/// A chromedriver process, stopped on drop.
pub struct Driver {
    child: Child,
    pub url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Driver {
    /// chromedriver on a free port, or None (a SKIPPED notice; a failure under CI=true) when
    /// chromium or chromium-driver is not installed.
    pub fn start(what: &str) -> Option<Driver> {
        let missing = ["/usr/bin/chromium", "/usr/bin/chromedriver"]
            .into_iter()
            .find(|p| !Path::new(p).exists());
        if let Some(missing) = missing {
            super::skip::skip(
                what,
                &format!("{missing} is missing (apt-get install chromium chromium-driver)"),
            );
            return None;
        }
        let port = free_port();
        let child = Command::new("/usr/bin/chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        assert!(
            wait_for_port(port, Duration::from_secs(20)),
            "chromedriver did not listen on {port}"
        );
        Some(Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        })
    }

    /// A new headless browser session.
    pub async fn browser(&self, profile: &Path) -> Client {
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "binary": "/usr/bin/chromium",
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--window-size=1000,900",
                    format!("--user-data-dir={}", profile.display()),
                ],
            }),
        );
        ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&self.url)
            .await
            .expect("a WebDriver session of headless Chromium")
    }
}

/// Where a test's screenshots go, emptied first: target/screenshots/<name>/.
pub fn screenshot_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/screenshots")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Saves the page as `<dir>/<step>.png` and says where.
pub async fn screenshot(c: &Client, dir: &Path, step: &str) {
    let png = c.screenshot().await.expect("a screenshot");
    assert!(png.starts_with(b"\x89PNG"), "{step}: not a PNG");
    let path = dir.join(format!("{step}.png"));
    std::fs::write(&path, png).unwrap();
    println!("screenshot: {}", path.display());
}

/// Types `text` into the field `css`, replacing what it held.
pub async fn fill(c: &Client, css: &str, text: &str) {
    let field = c.find(Locator::Css(css)).await.expect(css);
    field.clear().await.expect("clear");
    field.send_keys(text).await.expect("type");
}

/// Clicks `css` and waits for the page it leads to to show `then`.
pub async fn click_then(c: &Client, css: &str, then: &str) {
    c.find(Locator::Css(css))
        .await
        .expect(css)
        .click()
        .await
        .expect("click");
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(then))
        .await
        .unwrap_or_else(|e| panic!("after clicking {css}, no {then}: {e}"));
}

/// The visible text of the page's body.
pub async fn body_text(c: &Client) -> String {
    c.find(Locator::Css("body"))
        .await
        .expect("a body")
        .text()
        .await
        .expect("its text")
}
