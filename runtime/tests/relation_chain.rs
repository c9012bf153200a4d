//! A long chain of foreign keys compiles and loads. Each `ForeignKey<T>` can hold the row it
//! points at (`select_related`), and when that cache named `T` the compiler followed the whole
//! chain to check drops: past about forty models it stopped with E0320 ("overflow while
//! adding drop-check rules"), which bench/makemigrations' 1000 chained models hit.

/// An app's models module, as makemigrations reads them.
mod chain {
    pub mod models {
        use rjango::models::prelude::*;

        #[model]
        #[derive(Default)]
        pub struct M0 {
            #[field(max_length = 20)]
            pub name: CharField,
        }

        /// Model `$next` points at model `$prev`; written as pairs, not by recursion, so the test
        /// needs no raised `recursion_limit` (which would hide the overflow it is here to catch).
        macro_rules! chain {
            ($($prev:ident $next:ident),* $(,)?) => {
                $(
                    #[model]
                    #[derive(Default)]
                    pub struct $next {
                        #[field(on_delete = Cascade)]
                        pub parent: ForeignKey<$prev>,
                    }
                )*
            };
        }

        chain!(
            M0 M1, M1 M2, M2 M3, M3 M4, M4 M5, M5 M6, M6 M7, M7 M8, M8 M9, M9 M10, M10 M11,
            M11 M12, M12 M13, M13 M14, M14 M15, M15 M16, M16 M17, M17 M18, M18 M19, M19 M20,
            M20 M21, M21 M22, M22 M23, M23 M24, M24 M25, M25 M26, M26 M27, M27 M28, M28 M29,
            M29 M30, M30 M31, M31 M32, M32 M33, M33 M34, M34 M35, M35 M36, M36 M37, M37 M38,
            M38 M39, M39 M40, M40 M41, M41 M42, M42 M43, M43 M44, M44 M45, M45 M46, M46 M47,
            M47 M48, M48 M49, M49 M50, M50 M51, M51 M52, M52 M53, M53 M54, M54 M55, M55 M56,
            M56 M57, M57 M58, M58 M59, M59 M60, M60 M61, M61 M62, M62 M63, M63 M64, M64 M65,
            M65 M66, M66 M67, M67 M68, M68 M69, M69 M70, M70 M71, M71 M72, M72 M73, M73 M74,
            M74 M75, M75 M76, M76 M77, M77 M78, M78 M79, M79 M80, M80 M81, M81 M82, M82 M83,
            M83 M84, M84 M85, M85 M86, M86 M87, M87 M88, M88 M89, M89 M90, M90 M91, M91 M92,
            M92 M93, M93 M94, M94 M95, M95 M96, M96 M97, M97 M98, M98 M99
        );
    }
}

use chain::models::*;
use rjango::models::prelude::*;

#[test]
fn the_last_model_of_a_long_chain_holds_its_parent() {
    let mut last = M99::default();
    let parent = M98 {
        parent: ForeignKey::new(7),
        ..Default::default()
    };
    last.parent.cache(parent);
    let cached = last.parent.cached().expect("cached above");
    assert_eq!(cached.parent.pk(), 7);
    let rows: Vec<M99> = vec![last.clone(), last];
    assert_eq!(rows.len(), 2);
}

/// A model stays unwind-safe, as its fields are: the type-erased cache is `RefUnwindSafe`.
#[test]
fn a_model_with_foreign_keys_is_unwind_safe() {
    fn unwind_safe<T: std::panic::UnwindSafe + std::panic::RefUnwindSafe>() {}
    unwind_safe::<M99>();
    let row = M99::default();
    let caught = std::panic::catch_unwind(|| row.parent.pk());
    assert_eq!(caught.ok(), Some(0));
}
