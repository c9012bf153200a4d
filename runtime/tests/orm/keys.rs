//! Models keyed by text and by UUID, as Django allows: every operation binds the key as it is.
//! (Before, a key that was not an integer was read as 0, and on MariaDB `DELETE ... IN (0)`
//! matched every non-numeric key.)

use rjango::db::ErrorKind;
use rjango::models::prelude::*;

use crate::blog::models::{Badge, Voucher, badge, voucher};
use crate::on_each_database;

fn voucher(code: &str, seats: i32) -> Voucher {
    Voucher {
        code: code.into(),
        seats,
    }
}

async fn codes() -> Vec<String> {
    Voucher::objects()
        .all()
        .await
        .unwrap()
        .into_iter()
        .map(|v| v.code)
        .collect()
}

#[test]
fn text_and_uuid_keys_are_bound_as_they_are() {
    rjango::__private::block_on(async {
        on_each_database("keys", |dialect| async move {
            for code in ["abc", "def", "0x", "42"] {
                Voucher::objects().create(voucher(code, 1)).await.unwrap();
            }
            // A duplicate key is an IntegrityError, not a second row.
            let dup = Voucher::objects().create(voucher("abc", 2)).await;
            assert!(dup.unwrap_err().is_integrity_error(), "{dialect:?}");

            // get, save (an UPDATE by the text key) and refresh_from_db.
            let mut v = Voucher::objects()
                .get(voucher::code.eq("def"))
                .await
                .unwrap();
            v.seats = 7;
            v.save().await.unwrap();
            let mut again = voucher("def", 0);
            again.refresh_from_db().await.unwrap();
            assert_eq!(again.seats, 7, "{dialect:?}");

            // An instance's delete() removes that row alone, whatever the backend's casts.
            let abc = Voucher::objects()
                .get(voucher::code.eq("abc"))
                .await
                .unwrap();
            let deleted = abc.delete().await.unwrap();
            assert_eq!(deleted.total, 1, "{dialect:?}");
            assert_eq!(deleted.of("blog.Voucher"), 1);
            assert_eq!(codes().await, ["0x", "42", "def"], "{dialect:?}");

            // A queryset's delete() likewise.
            let deleted = Voucher::objects()
                .filter(voucher::seats.eq(1))
                .delete()
                .await
                .unwrap();
            assert_eq!(deleted.total, 2, "{dialect:?}");
            assert_eq!(codes().await, ["def"], "{dialect:?}");

            // in_bulk goes by integer keys: refused, not answered wrongly.
            let e = Voucher::objects().in_bulk([0]).await.unwrap_err();
            assert_eq!(e.kind(), Some(ErrorKind::NotSupported), "{e}");

            // A UUID key.
            let key = uuid::Uuid::from_u128(0x6f1e_2c3a_0000_4000_8000_0000_0000_0001);
            let made = Badge::objects()
                .create(Badge {
                    key,
                    label: "gold".into(),
                })
                .await
                .unwrap();
            assert_eq!(made.key, key);
            let found = Badge::objects().get(badge::key.eq(key)).await.unwrap();
            assert_eq!(found.label, "gold", "{dialect:?}");
            Badge::objects()
                .create(Badge {
                    key: uuid::Uuid::from_u128(0x6f1e_2c3a_0000_4000_8000_0000_0000_0002),
                    label: "silver".into(),
                })
                .await
                .unwrap();
            found.delete().await.unwrap();
            let left: Vec<String> = Badge::objects()
                .all()
                .await
                .unwrap()
                .into_iter()
                .map(|b| b.label)
                .collect();
            assert_eq!(left, ["silver"], "{dialect:?}");
        })
        .await;
    });
}
