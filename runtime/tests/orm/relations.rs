//! Relations both ways: lookups across a foreign key and back (with Django's join and
//! duplicate rules), ordering across one, select_related, reverse sets, many-to-many
//! managers and prefetch_related_objects, each with the number of queries it takes.

use super::blog::models::{Tag, tag};
use super::music::models::{Artist, Fan, artist, fan};
use super::*;
use rjango::db::count_queries;
use rjango::models::prefetch_related_objects;

fn tag_named(name: &str) -> Tag {
    Tag {
        id: 0,
        name: name.into(),
    }
}

/// Ada: "Django" (30 views), "Intro" (10); Grace: "Rust" (20), "Rust async" (5);
/// Linus: no posts.
async fn authors_and_posts() -> (Author, Author, Author) {
    let ada = Author::objects().create(author_named("Ada")).await.unwrap();
    let grace = Author::objects()
        .create(author_named("Grace"))
        .await
        .unwrap();
    let linus = Author::objects()
        .create(author_named("Linus"))
        .await
        .unwrap();
    for (title, views, who) in [
        ("Django", 30, &ada),
        ("Intro", 10, &ada),
        ("Rust", 20, &grace),
        ("Rust async", 5, &grace),
    ] {
        Post::objects()
            .create(new_post(who, title, views))
            .await
            .unwrap();
    }
    (ada, grace, linus)
}

async fn author_names(qs: QuerySet<Author>) -> Vec<String> {
    qs.all()
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.name)
        .collect()
}

#[test]
fn lookups_across_relations_both_ways() {
    rjango::__private::block_on(async {
        let ran = on_each_database("across", |dialect| async move {
            let (ada, _grace, _linus) = authors_and_posts().await;
            let posts = post::author.reverse();

            // Forward: Django's author__name__icontains.
            assert_eq!(
                sorted_titles(
                    Post::objects().filter(post::author.then(author::name).icontains("AD"))
                )
                .await,
                ["Django", "Intro"],
                "{dialect:?}"
            );
            // Reverse: posts__title__contains repeats an author once per matching post ...
            let by_title = Author::objects()
                .filter(posts.then(post::title).contains("Rust"))
                .order_by([author::name.asc()]);
            assert_eq!(author_names(by_title.clone()).await, ["Grace", "Grace"]);
            assert_eq!(
                by_title.count().await.unwrap(),
                2,
                "count agrees with the rows"
            );
            // ... until distinct.
            assert_eq!(author_names(by_title.distinct()).await, ["Grace"]);

            // One filter(): both conditions on the same post. Two: each on any post.
            let same_post = Author::objects()
                .filter(posts.then(post::title).contains("Rust") & posts.then(post::views).gt(10));
            assert_eq!(author_names(same_post).await, ["Grace"]);
            let no_single_post = Author::objects()
                .filter(posts.then(post::title).eq("Rust async") & posts.then(post::views).gt(10));
            assert!(author_names(no_single_post).await.is_empty());
            let any_posts = Author::objects()
                .filter(posts.then(post::title).eq("Rust async"))
                .filter(posts.then(post::views).gt(10));
            assert_eq!(author_names(any_posts).await, ["Grace"]);

            // exclude across a multi-valued relation: authors with no such post, including
            // those with no post at all.
            let mut without_django =
                author_names(Author::objects().exclude(posts.then(post::title).contains("Django")))
                    .await;
            without_django.sort();
            assert_eq!(without_django, ["Grace", "Linus"], "{dialect:?}");
            // isnull across the reverse relation: authors without posts.
            assert_eq!(
                author_names(Author::objects().filter(posts.then(post::id).isnull(true))).await,
                ["Linus"]
            );

            // Ordering across a relation (author__name, then -views).
            assert_eq!(
                titles(
                    Post::objects()
                        .order_by([post::author.then(author::name).desc(), post::views.desc()])
                )
                .await,
                ["Rust", "Rust async", "Django", "Intro"]
            );

            // An update across a relation goes by key (MariaDB cannot read the table it
            // updates in a subquery).
            let n = Post::objects()
                .filter(post::author.then(author::name).eq("Ada"))
                .update([post::likes.set(7)])
                .await
                .unwrap();
            assert_eq!(n, 2);
            assert_eq!(
                Post::objects()
                    .filter(post::likes.eq(7) & post::author.eq(&ada))
                    .count()
                    .await
                    .unwrap(),
                2
            );

            // exclude across a NULL-able foreign key keeps the rows where it is NULL.
            let abba = Artist::objects()
                .create(Artist {
                    id: 0,
                    name: "Abba".into(),
                })
                .await
                .unwrap();
            for (name, favourite) in [("Ann", Some(&abba)), ("Bob", None)] {
                Fan::objects()
                    .create(Fan {
                        id: 0,
                        favourite: favourite.map(|a| ForeignKey::new(a.id)),
                        name: name.into(),
                    })
                    .await
                    .unwrap();
            }
            let not_abba: Vec<String> = Fan::objects()
                .exclude(fan::favourite.then(artist::name).eq("Abba"))
                .all()
                .await
                .unwrap()
                .into_iter()
                .map(|f| f.name)
                .collect();
            assert_eq!(not_abba, ["Bob"], "{dialect:?}");
        })
        .await;
        println!("lookups across relations ran on {ran:?}");
    });
}

#[test]
fn following_relations_from_instances() {
    rjango::__private::block_on(async {
        let ran = on_each_database("follow", |dialect| async move {
            let (ada, grace, linus) = authors_and_posts().await;

            // select_related: the authors come in the same query.
            let (posts, queries) = count_queries(async {
                Post::objects()
                    .select_related(post::author)
                    .order_by([post::title.asc()])
                    .all()
                    .await
                    .unwrap()
            })
            .await;
            assert_eq!(queries.len(), 1, "{dialect:?}: {queries:?}");
            let names: Vec<&str> = posts
                .iter()
                .map(|p| p.author.cached().expect("selected").name.as_str())
                .collect();
            assert_eq!(names, ["Ada", "Ada", "Grace", "Grace"]);

            // Without it, following the key reads the author (one query).
            let plain = Post::objects().get(post::title.eq("Rust")).await.unwrap();
            assert!(plain.author.cached().is_none());
            let (author, queries) =
                count_queries(async { plain.author.get().await.unwrap() }).await;
            assert_eq!((author.name.as_str(), queries.len()), ("Grace", 1));

            // Reverse sets: the related_name ("posts") is a queryset.
            assert_eq!(ada.posts().count().await.unwrap(), 2);
            assert_eq!(
                titles(grace.posts().order_by([post::views.asc()])).await,
                ["Rust async", "Rust"]
            );
            assert!(!linus.posts().exists().await.unwrap());

            // prefetch_related_objects: every author's posts in one query.
            let authors = Author::objects()
                .order_by([author::name.asc()])
                .all()
                .await
                .unwrap();
            let (prefetched, queries) = count_queries(async {
                prefetch_related_objects(&authors, post::author.reverse())
                    .await
                    .unwrap()
            })
            .await;
            assert_eq!(queries.len(), 1);
            let counts: Vec<usize> = authors.iter().map(|a| prefetched.of(a).len()).collect();
            assert_eq!(counts, [2, 2, 0]);
            // In Post's Meta.ordering (-views).
            let first: Vec<&str> = prefetched
                .of(&authors[0])
                .iter()
                .map(|p| p.title.as_str())
                .collect();
            assert_eq!(first, ["Django", "Intro"]);
        })
        .await;
        println!("following relations ran on {ran:?}");
    });
}

#[test]
fn many_to_many() {
    rjango::__private::block_on(async {
        let ran = on_each_database("m2m", |dialect| async move {
            let (_ada, _grace, _linus) = authors_and_posts().await;
            let tags = Tag::objects()
                .bulk_create(vec![tag_named("rust"), tag_named("web"), tag_named("db")])
                .await
                .unwrap();
            // bulk_create gives keys back where the database returns them; read them here
            // so MariaDB's rows have theirs too.
            let tags = Tag::objects().in_bulk_by_name(&tags).await;
            let (rust, web, db) = (&tags[0], &tags[1], &tags[2]);
            let django = Post::objects().get(post::title.eq("Django")).await.unwrap();
            let rust_post = Post::objects().get(post::title.eq("Rust")).await.unwrap();

            django.tags().add([web, db]).await.unwrap();
            django.tags().add([web]).await.unwrap(); // already there: left as it is
            rust_post.tags().add([rust.id, web.id]).await.unwrap();
            let names = |qs: QuerySet<Tag>| async move {
                qs.all()
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|t| t.name)
                    .collect::<Vec<_>>()
            };
            assert_eq!(
                names(django.tags().all()).await,
                ["db", "web"],
                "{dialect:?}"
            );
            // The other way, through related_name.
            assert_eq!(sorted_titles(web.posts().all()).await, ["Django", "Rust"]);
            // Lookups across the many-to-many, both ways.
            assert_eq!(
                sorted_titles(Post::objects().filter(post::tags.then(tag::name).eq("web"))).await,
                ["Django", "Rust"]
            );
            assert_eq!(
                names(
                    Tag::objects()
                        .filter(post::tags.reverse().then(post::title).eq("Rust"))
                        .order_by([tag::name.asc()])
                )
                .await,
                ["rust", "web"]
            );

            django.tags().remove([db]).await.unwrap();
            assert_eq!(names(django.tags().all()).await, ["web"]);
            django.tags().set([rust, db]).await.unwrap();
            assert_eq!(names(django.tags().all()).await, ["db", "rust"]);

            // prefetch over the many-to-many: one query for every post's tags.
            let posts = Post::objects()
                .order_by([post::title.asc()])
                .all()
                .await
                .unwrap();
            let (prefetched, queries) = count_queries(async {
                prefetch_related_objects(&posts, post::tags).await.unwrap()
            })
            .await;
            assert_eq!(queries.len(), 1);
            let per_post: Vec<Vec<&str>> = posts
                .iter()
                .map(|p| prefetched.of(p).iter().map(|t| t.name.as_str()).collect())
                .collect();
            assert_eq!(
                per_post,
                [vec!["db", "rust"], vec![], vec!["rust", "web"], vec![]],
                "Django, Intro, Rust, Rust async"
            );

            // Deleting a post deletes its join rows (Django counts them as blog.Post_tags).
            let deleted = django.delete().await.unwrap();
            assert_eq!(
                (deleted.of("blog.Post"), deleted.of("blog.Post_tags")),
                (1, 2)
            );
            django.tags().clear().await.unwrap();
            rust_post.tags().clear().await.unwrap();
            assert!(!rust_post.tags().all().exists().await.unwrap());
            assert_eq!(Tag::objects().count().await.unwrap(), 3, "tags stay");
        })
        .await;
        println!("many-to-many ran on {ran:?}");
    });
}

/// Reads tags back by name, in the order given (their keys, whatever bulk_create returned).
trait ByName {
    async fn in_bulk_by_name(self, tags: &[Tag]) -> Vec<Tag>;
}

impl ByName for QuerySet<Tag> {
    async fn in_bulk_by_name(self, tags: &[Tag]) -> Vec<Tag> {
        let all = self.all().await.unwrap();
        tags.iter()
            .map(|t| all.iter().find(|a| a.name == t.name).unwrap().clone())
            .collect()
    }
}

#[test]
fn select_related_follows_chains_of_foreign_keys() {
    use super::music::models::{Album, Song, album, song};
    rjango::__private::block_on(async {
        let ran = on_each_database("chains", |dialect| async move {
            let abba = Artist::objects()
                .create(Artist {
                    id: 0,
                    name: "ABBA".into(),
                })
                .await
                .unwrap();
            let arrival = Album::objects()
                .create(Album {
                    id: 0,
                    artist: ForeignKey::new(abba.id),
                    title: "Arrival".into(),
                })
                .await
                .unwrap();
            for title in ["Dancing Queen", "Money, Money, Money"] {
                Song::objects()
                    .create(Song {
                        id: 0,
                        artist: ForeignKey::new(abba.id),
                        album: ForeignKey::new(arrival.id),
                        title: title.into(),
                    })
                    .await
                    .unwrap();
            }

            // Django's select_related("album__artist"): every row along the chain, one query.
            let (songs, queries) = count_queries(async {
                Song::objects()
                    .select_related(song::album.then(album::artist))
                    .select_related(song::artist)
                    .filter(song::album.then(album::title).eq("Arrival"))
                    .order_by([song::title.asc()])
                    .all()
                    .await
                    .unwrap()
            })
            .await;
            assert_eq!(queries.len(), 1, "{dialect:?}: {queries:?}");
            assert_eq!(songs.len(), 2);
            for s in &songs {
                let album = s.album.cached().expect("album selected");
                assert_eq!(album.title, "Arrival");
                let artist = album.artist.cached().expect("the album's artist selected");
                assert_eq!(artist.name, "ABBA");
                assert_eq!(s.artist.cached().expect("selected").name, "ABBA");
            }

            // Overlapping calls merge, as Django's do: the shorter chain adds nothing and
            // does not replace the album that came with its artist.
            let (songs, queries) = count_queries(async {
                Song::objects()
                    .select_related(song::album.then(album::artist))
                    .select_related(song::album)
                    .all()
                    .await
                    .unwrap()
            })
            .await;
            assert_eq!(queries.len(), 1);
            assert_eq!(
                queries[0].matches("JOIN").count(),
                2,
                "each table joined once: {queries:?}"
            );
            let album = songs[0].album.cached().expect("album selected");
            assert!(album.artist.cached().is_some(), "its artist kept");

            // A NULL key selects nothing, and the row still reads.
            Fan::objects()
                .create(Fan {
                    id: 0,
                    favourite: None,
                    name: "nobody's fan".into(),
                })
                .await
                .unwrap();
            let fans = Fan::objects()
                .select_related(fan::favourite)
                .all()
                .await
                .unwrap();
            assert!(fans[0].favourite.is_none());
        })
        .await;
        println!("select_related chains ran on {ran:?}");
    });
}

/// A reverse relation's set creates and adds through the relation, as Django's related
/// manager does: `author.posts().create(...)` fills in the foreign key.
#[test]
fn reverse_sets_create_and_add_through_the_relation() {
    rjango::__private::block_on(async {
        on_each_database("related_create", |dialect| async move {
            let ada = Author::objects().create(author_named("Ada")).await.unwrap();
            let bob = Author::objects().create(author_named("Bob")).await.unwrap();
            // The row names no author (0): the set gives it Ada.
            let orphan = Author {
                id: 0,
                name: String::new(),
            };
            let made = ada
                .posts()
                .create(new_post(&orphan, "first", 1))
                .await
                .unwrap();
            assert_eq!(made.author.pk(), ada.id, "{dialect:?}");
            let (again, created) = ada
                .posts()
                .get_or_create(post::title.eq("second"), || new_post(&orphan, "second", 2))
                .await
                .unwrap();
            assert!(created);
            assert_eq!(again.author.pk(), ada.id);
            assert_eq!(ada.posts().count().await.unwrap(), 2, "{dialect:?}");

            // add() moves saved rows to the owner, in memory and in the database.
            let mut bobs = vec![
                Post::objects()
                    .create(new_post(&bob, "b1", 0))
                    .await
                    .unwrap(),
                Post::objects()
                    .create(new_post(&bob, "b2", 0))
                    .await
                    .unwrap(),
            ];
            let moved = ada.posts().add(&mut bobs).await.unwrap();
            assert_eq!(moved, 2, "{dialect:?}");
            assert!(bobs.iter().all(|p| p.author.pk() == ada.id));
            assert_eq!(ada.posts().count().await.unwrap(), 4, "{dialect:?}");
            assert_eq!(bob.posts().count().await.unwrap(), 0);

            // An unsaved row cannot be added; a plain queryset has no owner to add to.
            let mut unsaved = vec![new_post(&bob, "nope", 0)];
            let e = ada.posts().add(&mut unsaved).await.unwrap_err();
            assert!(e.to_string().contains("isn't saved"), "{e}");
            let e = Post::objects().add(&mut bobs).await.unwrap_err();
            assert!(e.to_string().contains("reverse relation"), "{e}");
        })
        .await;
    });
}

/// Ordering by a relation is the related model's Meta.ordering, as Django's `order_by("artist")`
/// (Artist orders by name; the artists were created in the other order), `-artist` flips it,
/// and DISTINCT with that ordering selects the columns it orders by (PostgreSQL's rule).
#[test]
fn ordering_by_a_relation_follows_its_meta_ordering() {
    use super::music::models::{Album, album};
    rjango::__private::block_on(async {
        on_each_database("relation_order", |dialect| async move {
            let mut ids = Vec::new();
            for name in ["Zappa", "Miles", "Abba"] {
                let a = Artist::objects()
                    .create(Artist {
                        id: 0,
                        name: name.into(),
                    })
                    .await
                    .unwrap();
                ids.push(a.id);
            }
            for (i, id) in ids.iter().enumerate() {
                Album::objects()
                    .create(Album {
                        id: 0,
                        artist: ForeignKey::new(*id),
                        title: format!("album{i}"),
                    })
                    .await
                    .unwrap();
            }
            let titles =
                |albums: Vec<Album>| albums.into_iter().map(|a| a.title).collect::<Vec<_>>();
            let by_artist = Album::objects()
                .order_by([album::artist.asc()])
                .all()
                .await
                .unwrap();
            assert_eq!(
                titles(by_artist),
                ["album2", "album1", "album0"],
                "{dialect:?}"
            );
            let reversed = Album::objects()
                .order_by([album::artist.desc(), album::title.asc()])
                .all()
                .await
                .unwrap();
            assert_eq!(
                titles(reversed),
                ["album0", "album1", "album2"],
                "{dialect:?}"
            );
            let distinct = Album::objects()
                .order_by([album::artist.asc()])
                .distinct()
                .all()
                .await
                .unwrap_or_else(|e| panic!("{dialect:?}: {e}"));
            assert_eq!(
                titles(distinct),
                ["album2", "album1", "album0"],
                "{dialect:?}"
            );
            // Annotated and ordered by the relation: grouped by what it orders by too.
            let counted = Album::objects()
                .annotate(Count(album::id))
                .order_by([album::artist.asc()])
                .all()
                .await
                .unwrap_or_else(|e| panic!("{dialect:?}: {e}"));
            let counted: Vec<(String, i64)> =
                counted.into_iter().map(|(a, n)| (a.title, n)).collect();
            // Meta.ordering naming a foreign key (Tour: ["-artist", "city"]) is Artist's
            // ordering too, flipped: Zappa, Miles, Abba; and a relation's Meta.ordering that
            // names a relation is followed across both.
            use super::music::models::Tour;
            for (artist, city) in [(2, "Oslo"), (0, "Rome"), (2, "Bergen"), (1, "Paris")] {
                Tour::objects()
                    .create(Tour {
                        id: 0,
                        artist: ForeignKey::new(ids[artist]),
                        city: city.into(),
                    })
                    .await
                    .unwrap();
            }
            let cities: Vec<String> = Tour::objects()
                .all()
                .await
                .unwrap()
                .into_iter()
                .map(|t| t.city)
                .collect();
            assert_eq!(cities, ["Rome", "Paris", "Bergen", "Oslo"], "{dialect:?}");
            assert_eq!(
                counted,
                [
                    ("album2".to_owned(), 1),
                    ("album1".to_owned(), 1),
                    ("album0".to_owned(), 1)
                ],
                "{dialect:?}"
            );
        })
        .await;
    });
}
