use super::*;

fn names(dir: &Path) -> Vec<String> {
    let mut n: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    n.sort();
    n
}

#[test]
fn the_target_changes_only_on_commit() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("export.jsonl");
    std::fs::write(&target, "old\n").unwrap();
    let mut f = AtomicFile::create(&target).unwrap();
    f.write_all(b"new\n").unwrap();
    f.flush().unwrap();
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "old\n");
    f.commit().unwrap();
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "new\n");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn a_failure_keeps_the_partial_beside_and_the_target_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("export.jsonl");
    std::fs::write(&target, "old\n").unwrap();
    let mut f = AtomicFile::create(&target).unwrap();
    f.write_all(b"half\n").unwrap();
    let kept = f.keep_partial().unwrap();
    assert_eq!(kept, dir.path().join("export.jsonl.partial"));
    assert_eq!(std::fs::read_to_string(&kept).unwrap(), "half\n");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "old\n");
    let f = AtomicFile::create(&target).unwrap();
    drop(f);
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        2,
        "dropped, removed"
    );
}

#[test]
fn a_temporary_file_of_a_process_that_is_gone_is_removed() {
    let dir = tempfile::tempdir().unwrap();
    let mut gone = std::process::Command::new("true").spawn().unwrap();
    gone.wait().unwrap();
    let stale = stale::name_of("export.jsonl", gone.id(), "Zx81Qa");
    // Process 1 runs as long as the machine does.
    let live = stale::name_of("export.jsonl", 1, "Qw12Er");
    // Another machine's, in a shared folder: its pid says nothing here.
    let remote = format!(".export.jsonl.kp-triage-elsewhere-{}.Rt56Yu.tmp", gone.id());
    for n in [&stale, &live, &remote, ".notes.tmp"] {
        std::fs::write(dir.path().join(n), "x").unwrap();
    }
    let f = AtomicFile::create(&dir.path().join("export.jsonl")).unwrap();
    assert_eq!(f.removed, [dir.path().join(&stale)]);
    let own = f
        .temp_path()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert!(
        own.ends_with(".tmp") && own.contains(&format!("-{}.", std::process::id())),
        "{own}"
    );
    f.commit().unwrap();
    let mut want = vec![
        live,
        remote,
        ".notes.tmp".to_string(),
        "export.jsonl".to_string(),
    ];
    want.sort();
    assert_eq!(names(dir.path()), want);
}

#[test]
fn a_folder_is_refused_and_a_link_to_a_file_stays_a_link() {
    let dir = tempfile::tempdir().unwrap();
    let refused = Output::open(dir.path()).err().unwrap();
    assert!(matches!(refused, OutputError::Folder(_)), "{refused}");
    let real = dir.path().join("real.jsonl");
    std::fs::write(&real, "old\n").unwrap();
    let link = dir.path().join("latest.jsonl");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let mut out = Output::open(&link).unwrap();
    out.writer().write_all(b"new\n").unwrap();
    out.commit().unwrap();
    assert!(link.is_symlink());
    assert_eq!(std::fs::read_to_string(&real).unwrap(), "new\n");
}

#[test]
fn descriptors_are_recognised_through_their_links() {
    assert!(through_descriptor(Path::new("/dev/stdout")));
    assert!(through_descriptor(Path::new("/proc/self/fd/1")));
    assert!(!through_descriptor(Path::new("/tmp/export.jsonl")));
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("out");
    std::os::unix::fs::symlink("/dev/stdout", &link).unwrap();
    assert!(through_descriptor(&link));
}
