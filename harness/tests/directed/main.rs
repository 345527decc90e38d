// SPDX-License-Identifier: Apache-2.0
//! Directed tests: every PTE rule, page size, permission case and invalidation kind, each
//! run in lockstep (RTL against model, every output, every cycle) with the oracle judging
//! every answer. The explicit asserts say what the architecture requires.
//!
//! One file per concern; the helpers every file uses are below. A case that repeats with
//! other operands (an invalidation kind, a delay, a memory latency) is one test each
//! (`cases!`): `cargo test -p tlb-harness --test directed inval_during_walk` runs them all.

#[macro_use]
#[path = "../common/mod.rs"]
mod common;

mod asids;
mod inval;
mod params;
mod permissions;
mod pte;
mod replacement;
mod timing;
mod walk_race;

use common::*;
use tlb_harness::lockstep::Ctx;
use tlb_harness::{Lockstep, MemTiming, PteFlags};
use tlb_sim::{Access, InvalKind, PageLevel, Pte, TlbEntry};

const A: Access = Access::Load;
const U: bool = true;

fn fresh(name: &str) -> (Lockstep, u64) {
    setup(name, MemTiming::default())
}

fn map(ls: &mut Lockstep, root: u64, va: u64, level: PageLevel, ppn: u64, flags: u64) {
    let (pt, mem) = ls.tables();
    pt.map(mem, root, va, level, ppn, PteFlags(flags));
}

fn raw(ls: &mut Lockstep, root: u64, va: u64, level: u8, pte: u64) {
    let (pt, mem) = ls.tables();
    pt.write_raw(mem, root, va, level, pte);
}

fn fault(ls: &mut Lockstep, va: u64, access: Access, priv_u: bool) -> bool {
    ok(ls.translate(va, access, priv_u)).fault
}

const URWAD: u64 = Pte::R | Pte::W | Pte::U | Pte::A | Pte::D;
