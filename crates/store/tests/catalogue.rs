//! The personal catalogue on both backends: save, list, replace, refuse
//! duplicates all-or-nothing, remove.

use mm_store::{Error, Store};
use serde_json::json;

mod common;
use common::*;

fn entry(id: &str, name: &str) -> (String, String, String, serde_json::Value) {
    (
        id.into(),
        name.into(),
        "catalogue".into(),
        json!({ "id": id, "name": name, "done_when": ["Write it", "Show it"] }),
    )
}

both!(personal_catalogue, |store: Store| async move {
    assert!(store.list_personal_entries().await.unwrap().is_empty());
    let n = store
        .save_personal_entries(
            &[
                entry("pivot", "Summarise with a pivot table"),
                entry("vlookup", "Join two sheets"),
            ],
            false,
            now(),
        )
        .await
        .unwrap();
    assert_eq!(n, 2);
    let all = store.list_personal_entries().await.unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].id, "pivot");
    assert_eq!(all[0].entry["done_when"][1], "Show it");
    assert_eq!(all[0].saved_at, now());

    // A repeated id without replace, or a repeated name, changes nothing.
    let err = store
        .save_personal_entries(
            &[entry("new-one", "New"), entry("pivot", "Other")],
            false,
            now(),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Invalid(_)), "{err}");
    let err = store
        .save_personal_entries(&[entry("other", "JOIN two sheets")], false, now())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("vlookup"), "{err}");
    assert_eq!(store.list_personal_entries().await.unwrap().len(), 2);

    // Replace overwrites the entry under the same id.
    store
        .save_personal_entries(
            &[entry("pivot", "Summarise 10k rows with a pivot table")],
            true,
            now(),
        )
        .await
        .unwrap();
    let p = store.get_personal_entry("pivot").await.unwrap();
    assert_eq!(p.name, "Summarise 10k rows with a pivot table");

    store.remove_personal_entry("pivot").await.unwrap();
    assert!(matches!(
        store.get_personal_entry("pivot").await,
        Err(Error::NotFound { .. })
    ));
    assert!(matches!(
        store.remove_personal_entry("pivot").await,
        Err(Error::NotFound { .. })
    ));
});
