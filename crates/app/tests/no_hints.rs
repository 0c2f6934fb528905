//! The application speaks to every face, so its messages name no CLI
//! command: hints such as "see `mm goal list`" are the CLI's to add.

#[test]
fn no_cli_hint_in_the_application() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    for entry in std::fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            if code.contains("`mm ") || code.contains("run mm ") {
                found.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "CLI hints in mm-app:\n{}",
        found.join("\n")
    );
}
