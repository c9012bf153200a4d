//! The cache session backend (`django.contrib.sessions.backends.cache`) on Django's two caches:
//! this process's memory (`locmem://`) and Redis (`redis://`, when RJANGO_TEST_REDIS holds a
//! server's URL; CI sets it). A session is created under a new key, read, changed, and
//! deleted; saving a session deleted meanwhile is Django's SessionInterrupted.

use rjango::conf::Settings;
use rjango::contrib::sessions::SessionStore;
use rjango::contrib::sessions::backends::{CacheStore, SaveError};
use rjango::core::cache::{Caches, caches, make_key};
use serde_json::{Map, Value, json};

fn data(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => unreachable!(),
    }
}

#[test]
fn sessions_in_memory_and_in_redis() {
    let mut cache_urls = Caches::new().with("default", "locmem://");
    let mut aliases = vec!["default"];
    match std::env::var("RJANGO_TEST_REDIS") {
        Ok(url) => {
            cache_urls = cache_urls.with("redis", url);
            aliases.push("redis");
        }
        Err(_) => rjango::test::skip(
            "the Redis part of sessions_in_memory_and_in_redis",
            "RJANGO_TEST_REDIS is not set",
        ),
    }
    rjango::conf::configure(Settings {
        SECRET_KEY: "cache-sessions".into(),
        CACHES: cache_urls,
        ..Settings::default()
    });
    rjango::__private::block_on(async {
        for alias in aliases {
            let store = CacheStore::new(alias);
            let key = store
                .save(None, &data(json!({"cart": [1, 2], "name": "é"})))
                .await
                .unwrap();
            assert_eq!(key.len(), 32, "{alias}");
            // Django's key in the cache: `:1:django.contrib.sessions.cache<key>`.
            let raw = caches(alias)
                .unwrap()
                .get(&make_key(&format!("django.contrib.sessions.cache{key}")))
                .await
                .unwrap();
            assert_eq!(
                raw.as_deref(),
                Some(r#"{"cart":[1,2],"name":"é"}"#),
                "{alias}"
            );
            assert_eq!(
                Value::Object(store.load(&key).await.unwrap()),
                json!({"cart": [1, 2], "name": "é"})
            );
            let same = store
                .save(Some(&key), &data(json!({"cart": []})))
                .await
                .unwrap();
            assert_eq!(same, key);
            assert_eq!(
                Value::Object(store.load(&key).await.unwrap()),
                json!({"cart": []})
            );
            store.delete(&key).await;
            assert!(store.load(&key).await.is_none(), "{alias}");
            assert_eq!(
                store.save(Some(&key), &data(json!({}))).await,
                Err(SaveError::Interrupted),
                "{alias}: a session deleted meanwhile is not saved again"
            );
            assert!(
                store
                    .load("no-such-session-key-0000000000000")
                    .await
                    .is_none()
            );
        }
    });
}
