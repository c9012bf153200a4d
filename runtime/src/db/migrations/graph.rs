//! Django's `MigrationGraph` over the compiled-in migrations: dependencies, leaves, and the
//! forwards/backwards plans for a target.

use std::collections::{BTreeMap, BTreeSet};

use rjango_schema::Migration;

pub type Key = (String, String);

/// The migrations and the edges between them.
pub struct Graph<'a> {
    nodes: BTreeMap<Key, &'a Migration>,
    /// Each node's dependencies (a squashed migration's replacements remapped, see [`Graph::new`]).
    dependencies: BTreeMap<Key, Vec<Key>>,
    children: BTreeMap<Key, BTreeSet<Key>>,
}

impl<'a> Graph<'a> {
    /// Builds the graph; a dependency on a migration that does not exist is an error.
    ///
    /// A squashed migration (one that `replaces` others) stands in for them as Django's loader
    /// decides from `applied`: with all of them applied or none, the squashed one is used
    /// (and counted applied when they all are); with some applied, the originals are used, so
    /// the database continues from where it is. Dependencies on the nodes left out point at
    /// what stands for them.
    pub fn new(migrations: &'a [Migration], applied: &BTreeSet<Key>) -> Result<Self, String> {
        let mut nodes: BTreeMap<Key, &Migration> = migrations
            .iter()
            .map(|m| ((m.app_label.clone(), m.name.clone()), m))
            .collect();
        let mut remap: BTreeMap<Key, Key> = BTreeMap::new();
        for m in migrations.iter().filter(|m| !m.replaces.is_empty()) {
            let squash = (m.app_label.clone(), m.name.clone());
            let done = m.replaces.iter().filter(|r| applied.contains(*r)).count();
            if done == 0 || done == m.replaces.len() {
                for r in &m.replaces {
                    nodes.remove(r);
                    remap.insert(r.clone(), squash.clone());
                }
            } else {
                nodes.remove(&squash);
                if let Some(last) = m.replaces.iter().max() {
                    remap.insert(squash, last.clone());
                }
            }
        }
        let mut dependencies: BTreeMap<Key, Vec<Key>> = BTreeMap::new();
        let mut children: BTreeMap<Key, BTreeSet<Key>> = BTreeMap::new();
        for (key, m) in &nodes {
            let mut deps = Vec::new();
            for dep in &m.dependencies {
                let dep = remap.get(dep).unwrap_or(dep).clone();
                if &dep == key || deps.contains(&dep) {
                    continue;
                }
                if !nodes.contains_key(&dep) {
                    return Err(format!(
                        "migration {}.{} depends on {}.{}, which does not exist",
                        key.0, key.1, dep.0, dep.1
                    ));
                }
                children.entry(dep.clone()).or_default().insert(key.clone());
                deps.push(dep);
            }
            dependencies.insert(key.clone(), deps);
        }
        Ok(Graph {
            nodes,
            dependencies,
            children,
        })
    }

    /// Django's conflict: apps whose migrations end in more than one leaf, with the leaves.
    pub fn conflicts(&self) -> Vec<(String, Vec<String>)> {
        self.apps()
            .into_iter()
            .filter_map(|app| {
                let leaves: Vec<String> = self.leaves(app).into_iter().map(|(_, n)| n).collect();
                (leaves.len() > 1).then(|| (app.to_owned(), leaves))
            })
            .collect()
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
            .filter(|k| !self.dependencies[k].iter().any(|(a, _)| a == app))
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
            self.dependencies.get(key).cloned().unwrap_or_default()
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
