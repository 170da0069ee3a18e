//! A deterministic generator of armada-kp-events rotation incidents, each
//! with the answer a careful reader would give (`model`). Wording, layout,
//! field names and placements vary with the seed (`dialect`).

pub mod dialect;
pub mod layout;
pub mod lines;
pub mod model;
pub mod noise;
pub mod score;
pub mod timeline;
pub mod wording;

use dialect::Dialect;
use model::{Cat, Expected};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;

pub struct Incident {
    pub name: String,
    pub log: String,
    pub expected: Expected,
    /// How it was written, for diagnostics.
    pub dialect: String,
}

/// The fate of one cluster in the latest round.
#[derive(Clone, Copy, Debug)]
pub enum Fate {
    Rotated { fails: usize },
    Retrying { fails: usize, in_progress: bool },
    Exhausted,
}

/// One cluster's plan: its fate and the causes of each failed attempt.
#[derive(Clone, Debug)]
pub struct Plan {
    pub fate: Fate,
    pub causes: Vec<Vec<Cat>>,
}

pub fn corpus(seed: u64, n: usize) -> Vec<Incident> {
    (0..n).map(|i| generate(seed, i)).collect()
}

pub fn generate(seed: u64, index: usize) -> Incident {
    let mut rng = Pcg64::seed_from_u64(seed ^ (index as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    let d = dialect::choose(&mut rng);
    let plans = if rng.gen_bool(0.03) {
        Vec::new()
    } else {
        plans(&mut rng, &d)
    };
    let (log, clusters) = timeline::write(&mut rng, &d, &plans);
    let expected = model::expected(&clusters, d.stated_budget());
    Incident {
        name: format!("incident-{index:04}"),
        log,
        expected,
        dialect: format!("{d:?}"),
    }
}

fn dominant(rng: &mut Pcg64) -> Option<Cat> {
    match rng.gen_range(0..100) {
        0..=19 => Some(Cat::Etcd),
        20..=44 => Some(Cat::KubeClient),
        45..=74 => Some(Cat::Wdek),
        75..=84 => Some(Cat::Unclassified),
        _ => None,
    }
}

fn attempt_causes(rng: &mut Pcg64, main: Option<Cat>) -> Vec<Cat> {
    let mut v = Vec::new();
    if let Some(c) = main.filter(|_| rng.gen_bool(0.8)) {
        v.push(c);
    }
    if rng.gen_bool(0.12) {
        let other = *[Cat::Etcd, Cat::KubeClient, Cat::Wdek, Cat::Unclassified]
            .choose(rng)
            .unwrap();
        v.insert(0, other);
    }
    v
}

fn plans(rng: &mut Pcg64, d: &Dialect) -> Vec<Plan> {
    let systemic = rng.gen_bool(0.08);
    let n = if systemic {
        rng.gen_range(3..=6)
    } else {
        *[1, 1, 2, 2, 3, 3, 4, 5, 6].choose(rng).unwrap()
    };
    let m = d.budget;
    (0..n)
        .map(|i| {
            let fate = if systemic && i < 3 {
                if rng.gen_bool(0.5) {
                    Fate::Exhausted
                } else {
                    Fate::Retrying {
                        fails: rng.gen_range(1..m),
                        in_progress: false,
                    }
                }
            } else {
                match rng.gen_range(0..100) {
                    0..=19 => Fate::Rotated { fails: 0 },
                    20..=34 => Fate::Rotated {
                        fails: rng.gen_range(1..m),
                    },
                    35..=64 => Fate::Retrying {
                        fails: rng.gen_range(1..m),
                        in_progress: d.has_start && rng.gen_bool(0.3),
                    },
                    _ => Fate::Exhausted,
                }
            };
            let fails = match fate {
                Fate::Rotated { fails } | Fate::Retrying { fails, .. } => fails,
                Fate::Exhausted => m,
            };
            let main = if systemic && i < 3 {
                Some(Cat::KubeClient)
            } else {
                dominant(rng)
            };
            let causes = (0..fails).map(|_| attempt_causes(rng, main)).collect();
            Plan { fate, causes }
        })
        .collect()
}

/// Writes each incident as `DIR/NAME/input.log` and `DIR/NAME/expected.json`.
pub fn dump(corpus: &[Incident], dir: &std::path::Path) -> std::io::Result<()> {
    for inc in corpus {
        let d = dir.join(&inc.name);
        std::fs::create_dir_all(&d)?;
        std::fs::write(d.join("input.log"), &inc.log)?;
        let exp = serde_json::to_string_pretty(&inc.expected).expect("serialisable");
        std::fs::write(d.join("expected.json"), exp + "\n")?;
        std::fs::write(d.join("dialect.txt"), format!("{}\n", inc.dialect))?;
    }
    Ok(())
}
