//! on_delete as Django defines it, for a row and for a queryset: CASCADE, PROTECT (nothing
//! deleted, the protecting rows named), RESTRICT (allowed only when the restricting rows go
//! too, through a CASCADE), SET_NULL, SET_DEFAULT, DO_NOTHING (the database's own foreign key
//! then refuses), with Django's per-model counts.

use super::music::models::{
    Album, Artist, Contract, Fan, Poster, Song, Ticket, album, artist, fan, song, ticket,
};
use super::*;

fn named(name: &str) -> Artist {
    Artist {
        id: 0,
        name: name.into(),
    }
}

async fn artist_names() -> Vec<String> {
    Artist::objects()
        .all()
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.name)
        .collect()
}

#[test]
fn on_delete_rules() {
    rjango::__private::block_on(async {
        let ran = on_each_database("on_delete", |dialect| async move {
            // The first artist has key 1: Ticket's SET_DEFAULT.
            let nobody = Artist::objects().create(named("Nobody")).await.unwrap();
            assert_eq!(nobody.id, 1);
            let abba = Artist::objects().create(named("Abba")).await.unwrap();
            let beatles = Artist::objects().create(named("Beatles")).await.unwrap();
            let album = |a: &Artist, title: &str| Album {
                id: 0,
                artist: ForeignKey::new(a.id),
                title: title.into(),
            };
            let arrival = Album::objects().create(album(&abba, "Arrival")).await.unwrap();
            let help = Album::objects().create(album(&beatles, "Help")).await.unwrap();
            let song = |a: &Artist, al: &Album, title: &str| Song {
                id: 0,
                artist: ForeignKey::new(a.id),
                album: ForeignKey::new(al.id),
                title: title.into(),
            };
            Song::objects()
                .create(song(&abba, &arrival, "Dancing Queen"))
                .await
                .unwrap();
            // An Abba song on a Beatles album: RESTRICT keeps Abba while it is there.
            let odd = Song::objects()
                .create(song(&abba, &help, "Odd one"))
                .await
                .unwrap();
            Contract::objects()
                .create(Contract {
                    id: 0,
                    artist: ForeignKey::new(beatles.id),
                })
                .await
                .unwrap();
            for name in ["Ann", "Bob"] {
                Fan::objects()
                    .create(Fan {
                        id: 0,
                        favourite: Some(ForeignKey::new(abba.id)),
                        name: name.into(),
                    })
                    .await
                    .unwrap();
            }
            Ticket::objects()
                .create(Ticket {
                    id: 0,
                    artist: ForeignKey::new(abba.id),
                })
                .await
                .unwrap();

            // PROTECT: nothing is deleted, and the error names the protecting field and rows.
            let err = beatles.delete().await.unwrap_err();
            assert_eq!(
                err.to_string(),
                "Cannot delete some instances of model 'Artist' because they are referenced through protected foreign keys: 'Contract.artist'.",
                "{dialect:?}"
            );
            let QueryError::Protected { rows, .. } = &err else {
                panic!("{err:?}")
            };
            assert_eq!(rows[0].0, "music.Contract");
            assert_eq!(artist_names().await, ["Abba", "Beatles", "Nobody"]);
            assert_eq!(Album::objects().count().await.unwrap(), 2);

            // RESTRICT: "Odd one" points at Abba but is not deleted with Abba's albums.
            let err = abba.delete().await.unwrap_err();
            assert!(
                err.to_string().contains("restricted foreign keys: 'Song.artist'"),
                "{err}"
            );
            assert_eq!(Song::objects().count().await.unwrap(), 2, "nothing deleted");

            // Once the song is on an Abba album, the CASCADE through the album deletes it,
            // and RESTRICT allows it (Django's rule).
            Song::objects()
                .filter(song::id.eq(odd.id))
                .update([song::album.set(arrival.id)])
                .await
                .unwrap();
            let deleted = abba.delete().await.unwrap();
            assert_eq!(
                deleted.per_model,
                [
                    ("music.Album".to_owned(), 1),
                    ("music.Artist".to_owned(), 1),
                    ("music.Song".to_owned(), 2),
                ]
                .into(),
                "{dialect:?}"
            );
            assert_eq!(deleted.total, 4);
            // SET_NULL and SET_DEFAULT.
            assert_eq!(
                Fan::objects()
                    .filter(fan::favourite.isnull(true))
                    .count()
                    .await
                    .unwrap(),
                2
            );
            assert_eq!(
                Ticket::objects()
                    .filter(ticket::artist.eq(nobody.id))
                    .count()
                    .await
                    .unwrap(),
                1
            );
            assert_eq!(artist_names().await, ["Beatles", "Nobody"]);

            // DO_NOTHING: the rule leaves the poster, so the database's foreign key refuses,
            // and the whole delete rolls back.
            let cher = Artist::objects().create(named("Cher")).await.unwrap();
            Poster::objects()
                .create(Poster {
                    id: 0,
                    artist: ForeignKey::new(cher.id),
                })
                .await
                .unwrap();
            let err = cher.delete().await.unwrap_err();
            assert!(matches!(err, QueryError::Database(_)), "{err:?}");
            assert!(artist_names().await.contains(&"Cher".to_owned()));

            // A queryset delete collects for every row: Beatles' album goes with them once the
            // contract is gone.
            Contract::objects().delete().await.unwrap();
            Poster::objects().delete().await.unwrap();
            let deleted = Artist::objects()
                .filter(artist::name.is_in(["Beatles", "Cher"]))
                .delete()
                .await
                .unwrap();
            assert_eq!(
                (deleted.of("music.Artist"), deleted.of("music.Album")),
                (2, 1)
            );
            assert_eq!(
                Album::objects()
                    .filter(album::title.eq("Help"))
                    .count()
                    .await
                    .unwrap(),
                0
            );
        })
        .await;
        println!("on_delete ran on {ran:?}");
    });
}
