//! Django's `MigrationGraph` over the compiled-in migrations: dependencies, leaves, and the
//! forwards/backwards plans for a target.

use std::collections::{BTreeMap, BTreeSet};

use rjango_schema::Migration;

pub type Key = (String, String);

/// The migrations and the edges between them.
pub struct Graph<'a> {
    nodes: BTreeMap<Key, &'a Migration>,
    children: BTreeMap<Key, BTreeSet<Key>>,
}

impl<'a> Graph<'a> {
    /// Builds the graph; a dependency on a migration that does not exist is an error.
    pub fn new(migrations: &'a [Migration]) -> Result<Self, String> {
        let nodes: BTreeMap<Key, &Migration> = migrations
            .iter()
            .map(|m| ((m.app_label.clone(), m.name.clone()), m))
            .collect();
        let mut children: BTreeMap<Key, BTreeSet<Key>> = BTreeMap::new();
        for (key, m) in &nodes {
            for dep in &m.dependencies {
                if !nodes.contains_key(dep) {
                    return Err(format!(
                        "migration {}.{} depends on {}.{}, which does not exist",
                        key.0, key.1, dep.0, dep.1
                    ));
                }
                children.entry(dep.clone()).or_default().insert(key.clone());
            }
        }
        Ok(Graph { nodes, children })
    }

    pub fn get(&self, key: &Key) -> Option<&'a Migration> {
        self.nodes.get(key).copied()
    }

    pub fn apps(&self) -> BTreeSet<&str> {
        self.nodes.keys().map(|(a, _)| a.as_str()).collect()
    }

    /// Every migration of an app, in name order.
    pub fn app_nodes(&self, app: &str) -> Vec<Key> {
        self.nodes
            .keys()
            .filter(|(a, _)| a == app)
            .cloned()
            .collect()
    }

    /// The app's migrations no other migration of the app depends on.
    pub fn leaves(&self, app: &str) -> Vec<Key> {
        self.app_nodes(app)
            .into_iter()
            .filter(|k| {
                !self
                    .children
                    .get(k)
                    .is_some_and(|c| c.iter().any(|(a, _)| a == app))
            })
            .collect()
    }

    /// The app's migrations that depend on no other migration of the app.
    pub fn roots(&self, app: &str) -> Vec<Key> {
        self.app_nodes(app)
            .into_iter()
            .filter(|k| !self.nodes[k].dependencies.iter().any(|(a, _)| a == app))
            .collect()
    }

    /// The migrations of the app in the same app that come after `key`.
    pub fn app_children(&self, key: &Key) -> Vec<Key> {
        self.children
            .get(key)
            .map(|c| c.iter().filter(|(a, _)| *a == key.0).cloned().collect())
            .unwrap_or_default()
    }

    /// `key` and everything it depends on, dependencies first.
    pub fn forwards_plan(&self, key: &Key) -> Vec<Key> {
        let mut out = Vec::new();
        let mut seen = BTreeSet::new();
        self.visit(key, &mut seen, &mut out, true);
        out
    }

    /// `key` and everything that depends on it, dependents first.
    pub fn backwards_plan(&self, key: &Key) -> Vec<Key> {
        let mut out = Vec::new();
        let mut seen = BTreeSet::new();
        self.visit(key, &mut seen, &mut out, false);
        out
    }

    fn visit(&self, key: &Key, seen: &mut BTreeSet<Key>, out: &mut Vec<Key>, forwards: bool) {
        if !seen.insert(key.clone()) {
            return;
        }
        let next: Vec<Key> = if forwards {
            self.nodes
                .get(key)
                .map(|m| m.dependencies.clone())
                .unwrap_or_default()
        } else {
            self.children
                .get(key)
                .map(|c| c.iter().cloned().collect())
                .unwrap_or_default()
        };
        for n in &next {
            self.visit(n, seen, out, forwards);
        }
        out.push(key.clone());
    }

    /// The migration of `app` whose name is `name` or starts with it (`0002` for
    /// `0002_post_views`), as Django resolves `migrate blog 0002`.
    pub fn resolve(&self, app: &str, name: &str) -> Result<Key, String> {
        let exact = (app.to_owned(), name.to_owned());
        if self.nodes.contains_key(&exact) {
            return Ok(exact);
        }
        let matches: Vec<Key> = self
            .app_nodes(app)
            .into_iter()
            .filter(|(_, n)| n.starts_with(name))
            .collect();
        match matches.as_slice() {
            [one] => Ok(one.clone()),
            [] => Err(format!(
                "Cannot find a migration matching '{name}' from app '{app}'."
            )),
            _ => Err(format!(
                "More than one migration matches '{name}' in app '{app}'. Please be more specific."
            )),
        }
    }
}
