//! Decimals are decimals, as Django's: a DecimalField reads back with its decimal places on
//! every backend (SQLite keeps 0.80 as the REAL 0.8), and its Sum, Min and Max too (a sum of
//! REALs is 13.600000000000001 there); Avg of a DecimalField is a Decimal.

use rjango::models::prelude::*;
use rust_decimal::Decimal;

use crate::blog::models::{Product, product};
use crate::on_each_database;

fn d(text: &str) -> Decimal {
    text.parse().unwrap()
}

#[test]
fn decimal_fields_keep_their_places() {
    rjango::__private::block_on(async {
        on_each_database("decimals", |dialect| async move {
            for (name, price) in [
                ("pen", "0.80"),
                ("ink", "12.5"),
                ("nib", "0.10"),
                ("cap", "0.20"),
            ] {
                Product::objects()
                    .create(Product {
                        id: 0,
                        name: name.into(),
                        price: d(price),
                    })
                    .await
                    .unwrap();
            }
            let pen = Product::objects()
                .get(product::name.eq("pen"))
                .await
                .unwrap();
            assert_eq!(pen.price.to_string(), "0.80", "{dialect:?}");
            let ink = Product::objects()
                .get(product::name.eq("ink"))
                .await
                .unwrap();
            assert_eq!(ink.price.to_string(), "12.50", "{dialect:?}");
            // values_list and values read a DecimalField with its places too.
            let prices: Vec<String> = Product::objects()
                .filter(product::name.eq("pen"))
                .values_list(product::price)
                .await
                .unwrap()
                .into_iter()
                .map(|p| p.to_string())
                .collect();
            assert_eq!(prices, ["0.80"], "{dialect:?}");
            let pairs = Product::objects()
                .filter(product::name.eq("pen"))
                .values_list((product::name, product::price))
                .await
                .unwrap();
            assert_eq!(pairs[0].1.to_string(), "0.80", "{dialect:?}");
            let dicts = Product::objects()
                .filter(product::name.eq("pen"))
                .values(product::price)
                .await
                .unwrap();
            assert_eq!(
                dicts[0]["price"],
                serde_json::to_value(pairs[0].1).unwrap(),
                "{dialect:?}"
            );
            assert_eq!(
                serde_json::to_value(pairs[0].1).unwrap(),
                serde_json::json!("0.80")
            );

            let (sum, min, max) = Product::objects()
                .aggregate((
                    Sum(product::price),
                    Min(product::price),
                    Max(product::price),
                ))
                .await
                .unwrap();
            let text = |v: Option<Decimal>| v.map(|v| v.to_string());
            assert_eq!(
                (
                    text(sum).as_deref(),
                    text(min).as_deref(),
                    text(max).as_deref()
                ),
                (Some("13.60"), Some("0.10"), Some("12.50")),
                "{dialect:?}"
            );
            let avg: Option<Decimal> = Product::objects()
                .aggregate(Avg(product::price))
                .await
                .unwrap();
            let avg = avg.unwrap();
            // Each backend's own precision (as Django's), but never a float's noise.
            assert_eq!(avg.normalize(), d("3.4"), "{dialect:?}: {avg}");
        })
        .await;
    });
}
