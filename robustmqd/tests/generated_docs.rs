//! `completions/` and `man/` are generated from the clap definitions of every binary; this test
//! regenerates them and fails when the committed files differ. To refresh them after changing a
//! flag: `ROBUSTMQ_BLESS=1 cargo test -p robustmqd --test generated_docs`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::CommandFactory;
use clap_complete::{Generator, Shell};

const SHELLS: [Shell; 5] = [
    Shell::Bash,
    Shell::Zsh,
    Shell::Fish,
    Shell::PowerShell,
    Shell::Elvish,
];

fn commands() -> Vec<clap::Command> {
    vec![
        robustmq_cli::Cli::command(),
        robustmqd::cli::Cli::command(),
        robustmq_bench::args::Cli::command(),
    ]
}

/// Every generated file, keyed by its path relative to the repository root.
fn generate() -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let man_dir = tempfile::tempdir().unwrap();
    for cmd in commands() {
        let name = cmd.get_name().to_string();
        for shell in SHELLS {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut cmd.clone(), &name, &mut out);
            files.insert(Path::new("completions").join(shell.file_name(&name)), out);
        }
        // One page for the binary and one per subcommand (robustmq-topic-create.1, ...).
        clap_mangen::generate_to(cmd, man_dir.path()).unwrap();
    }
    for entry in std::fs::read_dir(man_dir.path()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_owned();
        files.insert(Path::new("man").join(name), std::fs::read(&path).unwrap());
    }
    files
}

fn committed(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    for dir in ["completions", "man"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            let rel = Path::new(dir).join(path.file_name().unwrap());
            files.insert(rel, std::fs::read(&path).unwrap());
        }
    }
    files
}

#[test]
fn completions_and_man_pages_are_current() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let fresh = generate();
    if std::env::var_os("ROBUSTMQ_BLESS").is_some() {
        for dir in ["completions", "man"] {
            let _ = std::fs::remove_dir_all(root.join(dir));
            std::fs::create_dir_all(root.join(dir)).unwrap();
        }
        for (rel, bytes) in &fresh {
            std::fs::write(root.join(rel), bytes).unwrap();
        }
        return;
    }
    let old = committed(root);
    let stale: Vec<_> = fresh
        .iter()
        .filter(|(rel, bytes)| old.get(*rel) != Some(*bytes))
        .map(|(rel, _)| rel.display().to_string())
        .chain(
            old.keys()
                .filter(|rel| !fresh.contains_key(*rel))
                .map(|rel| format!("{} (no longer generated)", rel.display())),
        )
        .collect();
    assert!(
        stale.is_empty(),
        "stale generated files: {stale:?}\nregenerate with: ROBUSTMQ_BLESS=1 cargo test -p robustmqd --test generated_docs"
    );
    // Sanity: every binary has a page and all five shells' scripts.
    for name in ["robustmq", "robustmqd", "robustmq-bench"] {
        assert!(fresh.contains_key(&Path::new("man").join(format!("{name}.1"))));
        assert!(fresh.contains_key(&Path::new("completions").join(format!("{name}.bash"))));
    }
}
