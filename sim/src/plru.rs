// SPDX-License-Identifier: Apache-2.0
//! Mirror of `rtl/tlb_plru.sv`: tree pseudo-LRU. Node n has children 2n+1 and 2n+2; a
//! node's bit names the side holding the victim (0 = lower ways).

#[derive(Clone, Debug)]
pub struct Plru {
    entries: usize,
    idx_bits: u32,
    /// `plru_q`: bit n is node n.
    pub plru_q: u64,
}

impl Plru {
    pub fn new(entries: usize) -> Plru {
        assert!(entries.is_power_of_two() && (2..=64).contains(&entries));
        Plru { entries, idx_bits: entries.trailing_zeros(), plru_q: 0 }
    }

    pub fn entries(&self) -> usize {
        self.entries
    }

    /// `victim_o`: follow the bits from the root.
    pub fn victim(&self) -> usize {
        let mut node = 0usize;
        let mut victim = 0usize;
        for _ in 0..self.idx_bits {
            let bit = (self.plru_q >> node) & 1;
            victim = (victim << 1) | bit as usize;
            node = 2 * node + 1 + bit as usize;
        }
        victim
    }

    /// `plru_d` for a touch of `idx`: every node on the path points away from it.
    pub fn touched(&self, idx: usize) -> u64 {
        let mut d = self.plru_q;
        let mut node = 0usize;
        for depth in 0..self.idx_bits {
            let dir = (idx >> (self.idx_bits - 1 - depth)) & 1;
            if dir == 0 {
                d |= 1 << node;
            } else {
                d &= !(1 << node);
            }
            node = 2 * node + 1 + dir;
        }
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn touching_every_way_in_order_makes_the_first_the_victim() {
        for n in [2usize, 4, 8, 32, 64] {
            let mut p = Plru::new(n);
            for i in 0..n {
                p.plru_q = p.touched(i);
            }
            assert_eq!(p.victim(), 0, "{n} ways");
        }
    }

    #[test]
    fn the_victim_is_never_the_way_just_touched() {
        let mut p = Plru::new(16);
        for i in [3usize, 9, 0, 15, 7, 7, 2] {
            p.plru_q = p.touched(i);
            assert_ne!(p.victim(), i);
        }
    }
}
