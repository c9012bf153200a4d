//! Replays the inputs a fuzz target keeps in the repository (fuzz/corpus/<target>/, and
//! fuzz/regressions/<target>/ for inputs that once failed) through its check, on stable: the
//! workspace's tests include this file.

use std::path::Path;

/// Runs `check` over every kept input of `target` and fails with each input that failed and
/// why; the number of inputs replayed.
pub fn replay(target: &str, check: impl Fn(&[u8]) + std::panic::RefUnwindSafe) -> usize {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz");
    let mut inputs = 0;
    let mut failed = Vec::new();
    for kept in ["corpus", "regressions"] {
        let Ok(dir) = std::fs::read_dir(fuzz.join(kept).join(target)) else {
            continue;
        };
        for entry in dir {
            let path = entry.unwrap().path();
            let data = std::fs::read(&path).unwrap();
            inputs += 1;
            if let Err(e) = std::panic::catch_unwind(|| check(&data)) {
                let why = e
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                failed.push(format!("{}: {why}", path.display()));
            }
        }
    }
    assert!(
        inputs > 0,
        "no corpus for {target} under {}",
        fuzz.display()
    );
    assert!(failed.is_empty(), "{target}:\n{}", failed.join("\n"));
    eprintln!("{target}: {inputs} inputs replayed");
    inputs
}
