//! Which cluster an event is about when its line does not say (its
//! correlation id, an id another line made certain), and where each
//! cluster is kept.

use super::Cluster;
use crate::classify::IdSource;
use crate::event::Event;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// Finds the cluster of an event: its own, its correlation id's, or an id
/// the input names in a field or CRN found among its tokens.
#[derive(Default)]
pub(super) struct Resolver {
    corr: HashMap<Box<str>, Arc<str>>,
    /// Shared with `fresh`, `corr` and the events: a million ids are kept once.
    known: HashSet<Arc<str>>,
    /// The known ids, to find anywhere in a message, even glued to other
    /// text ("wdekc23h5icd0sr2mu96rcig").
    anywhere: Option<(aho_corasick::AhoCorasick, Vec<Arc<str>>)>,
    /// Ids learned since `anywhere` was built. A live input learns ids one
    /// by one; building the automaton again only when they outnumber those
    /// in it keeps the cost linear in the ids, not quadratic. Empty until
    /// the first build, which takes every id of `known`: a second list of
    /// a million ids would be held through the whole rebuild.
    fresh: Vec<Arc<str>>,
    /// `anywhere` was built (or tried) once.
    ever_built: bool,
}

impl Resolver {
    /// How many ids are certain (named by a field, a CRN or a text id):
    /// each is a cluster of the events that named it.
    pub(super) fn known(&self) -> usize {
        self.known.len()
    }

    /// A resolver that knows every id of the input before the first event.
    pub(super) fn primed(events: &[Event]) -> Resolver {
        let mut r = Resolver::default();
        for e in events {
            r.learn(e);
        }
        // A correlation id seen beside an id that only a field or CRN
        // elsewhere made certain ("on cluster <id without a digit>").
        for e in events.iter().filter(|e| e.who.cluster.is_none()) {
            let Some(c) = e.corr().filter(|c| !r.corr.contains_key(*c)) else {
                continue;
            };
            if let Some(id) = e.ids().iter().find_map(|t| r.known.get(&**t).cloned()) {
                r.corr.insert(c.into(), id);
            }
        }
        r
    }

    /// Learns the ids an event ties to its cluster.
    pub(super) fn learn(&mut self, e: &Event) {
        let Some(cluster) = &e.who.cluster else {
            return;
        };
        let certain = matches!(
            e.who.source,
            Some(IdSource::Field | IdSource::Crn | IdSource::Text)
        );
        let shared = |known: &HashSet<Arc<str>>| {
            known
                .get(&**cluster)
                .cloned()
                .unwrap_or_else(|| cluster.clone())
        };
        if let Some(c) = e.corr() {
            if !self.corr.contains_key(c) {
                self.corr.insert(c.into(), shared(&self.known));
            }
        }
        if certain && !self.known.contains(&**cluster) {
            let id = shared(&self.known);
            if self.ever_built {
                self.fresh.push(id.clone());
            }
            self.known.insert(id);
        }
    }

    pub(super) fn cluster(&mut self, e: &Event) -> Option<Arc<str>> {
        if let Some(c) = e
            .who
            .cluster
            .clone()
            .or_else(|| e.corr().and_then(|c| self.corr.get(c).cloned()))
            .or_else(|| e.ids().iter().find_map(|t| self.known.get(&**t).cloned()))
        {
            return Some(c);
        }
        if e.message.is_empty() || self.known.is_empty() {
            return None;
        }
        let built = self.anywhere.as_ref().map_or(0, |(_, ids)| ids.len());
        let never = !self.ever_built;
        if never || self.fresh.len() > built.max(16) || (built == 0 && !self.fresh.is_empty()) {
            self.build();
        }
        let message = e.message();
        let found = self.anywhere.as_ref().and_then(|(ac, ids)| {
            let m = ac.find(&*message)?;
            Some(ids[m.pattern().as_usize()].clone())
        });
        found.or_else(|| {
            let lower = message.to_ascii_lowercase();
            self.fresh
                .iter()
                .find(|id| lower.contains(&id.to_ascii_lowercase()))
                .cloned()
        })
    }

    fn build(&mut self) {
        self.ever_built = true;
        self.fresh.clear();
        let mut ids: Vec<Arc<str>> = self.known.iter().cloned().collect();
        ids.sort_unstable();
        self.anywhere = aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(ids.iter().map(|id| id.as_bytes()))
            .ok()
            .map(|ac| (ac, ids));
    }
}

/// Cluster ids to their place in the tracker's vector, holding no second
/// copy of the id: a million clusters' ids are kept once.
#[derive(Default)]
pub(super) struct Index {
    table: hashbrown::HashTable<usize>,
    hasher: std::collections::hash_map::RandomState,
}

impl Index {
    /// The place of cluster `id`, added to `clusters` if new.
    pub(super) fn at(
        &mut self,
        clusters: &mut Vec<Cluster>,
        id: Arc<str>,
        global_round: u32,
    ) -> usize {
        use std::hash::BuildHasher;
        let hash = self.hasher.hash_one(&*id);
        let same = |&i: &usize| *clusters[i].id == *id;
        if let Some(&i) = self.table.find(hash, same) {
            return i;
        }
        let hasher = &self.hasher;
        let rehash = |&i: &usize| hasher.hash_one(&*clusters[i].id);
        let i = clusters.len();
        self.table.insert_unique(hash, i, rehash);
        clusters.push(Cluster::new(id, global_round));
        i
    }
}
