//! The SQLite and PostgreSQL migrations are twins: the same numbers and
//! names in both directories, so that one schema version means the same
//! tables on either backend (and an export moves between them).

use std::collections::BTreeSet;
use std::path::Path;

fn migrations(backend: &str) -> BTreeSet<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(backend);
    std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".sql"))
        .collect()
}

#[test]
fn sqlite_and_postgres_migrations_have_the_same_numbers_and_names() {
    let sqlite = migrations("sqlite");
    let postgres = migrations("postgres");
    assert!(!sqlite.is_empty(), "no SQLite migrations found");
    let only_sqlite: Vec<_> = sqlite.difference(&postgres).collect();
    let only_postgres: Vec<_> = postgres.difference(&sqlite).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "migration twins differ:\n  only in sqlite/: {only_sqlite:?}\n  only in postgres/: {only_postgres:?}"
    );
    // Each is NNNN_name.sql, and no number is used twice.
    let mut numbers = BTreeSet::new();
    for name in &sqlite {
        let (num, rest) = name.split_once('_').unwrap_or((name, ""));
        assert!(
            num.len() == 4 && num.bytes().all(|b| b.is_ascii_digit()) && rest.len() > 4,
            "{name} is not NNNN_name.sql"
        );
        assert!(numbers.insert(num.to_owned()), "number {num} is used twice");
    }
}
