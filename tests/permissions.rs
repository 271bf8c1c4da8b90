//! Stores that cannot be written: clear errors that say what to do, no panic, and the
//! store as it was.

mod common;
use common::is_root;

use std::process::Command;

#[test]
fn a_store_folder_that_cannot_exist_is_explained() {
    let out = Command::new(env!("CARGO_BIN_EXE_herald"))
        .args(["--store", "/dev/null/herald/store.db", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("/dev/null/herald"), "{stderr}");
    assert!(!stderr.contains("panicked"));
}

#[test]
fn a_read_only_store_is_refused_with_what_to_do_and_left_unchanged() {
    // Permissions do not bind root: as root the check runs as `nobody` through runuser
    // (util-linux, which .ci/run installs); as anyone else, directly. It never skips.
    let as_root = is_root();
    assert!(
        !as_root || Command::new("runuser").arg("--help").output().is_ok(),
        "run as root, this test needs runuser to drop privileges: apt-get install util-linux"
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(
        dir.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let store = dir.path().join("s.db");
    let herald = env!("CARGO_BIN_EXE_herald");
    assert!(
        Command::new(herald)
            .args(["--store", store.to_str().unwrap(), "--samples", "list"])
            .output()
            .unwrap()
            .status
            .success()
    );
    let article = dir.path().join("a.json");
    std::fs::write(&article, r#"{"title": "Not stored", "body": "Read-only."}"#).unwrap();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o444))
            .unwrap();
    }
    let before = std::fs::read(&store).unwrap();
    std::fs::set_permissions(
        dir.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o555),
    )
    .unwrap();
    let mut command = if as_root {
        let mut runuser = Command::new("runuser");
        runuser.args(["-u", "nobody", "--", herald]);
        runuser
    } else {
        Command::new(herald)
    };
    let out = command
        .args(["--store", store.to_str().unwrap(), "import"])
        .arg(&article)
        .output()
        .unwrap();
    std::fs::set_permissions(
        dir.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot be written") || stderr.contains("cannot be opened"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(
        std::fs::read(&store).unwrap(),
        before,
        "the store is unchanged"
    );
}
