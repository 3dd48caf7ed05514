//! Purpose: how far a typed word is from a name — the optimal-string-alignment edit distance
//! (a swap of two letters is one edit), ASCII case-insensitive, bounded so a pass over
//! thousands of names stays cheap.

/// Optimal-string-alignment distance (ASCII case-insensitive), or `None` when over `max`.
/// Bounded: gives up as soon as a whole row exceeds `max`; no allocation.
pub fn distance(a: &[u8], b: &[u8], max: usize) -> Option<usize> {
    const N: usize = 64;
    if a.len().abs_diff(b.len()) > max || a.len() >= N || b.len() >= N {
        return None;
    }
    let eq = |x: u8, y: u8| x.eq_ignore_ascii_case(&y);
    // Three rows, rotated by swapping references: no copying, no allocation.
    let (mut r0, mut r1, mut r2) = ([0u8; N], [0u8; N], [0u8; N]);
    let (mut before, mut prev, mut cur) = (&mut r0, &mut r1, &mut r2);
    for (j, slot) in prev.iter_mut().enumerate().take(b.len() + 1) {
        *slot = j as u8;
    }
    for i in 1..=a.len() {
        cur[0] = i as u8;
        let mut row_min = cur[0];
        for j in 1..=b.len() {
            let cost = u8::from(!eq(a[i - 1], b[j - 1]));
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && eq(a[i - 1], b[j - 2]) && eq(a[i - 2], b[j - 1]) {
                v = v.min(before[j - 2] + 1);
            }
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if usize::from(row_min) > max {
            return None;
        }
        std::mem::swap(&mut before, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    Some(usize::from(prev[b.len()])).filter(|d| *d <= max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_distance() {
        assert_eq!(distance(b"acmee", b"Acme", 1), Some(1));
        assert_eq!(distance(b"stark retial", b"Stark Retail", 2), Some(1));
        assert_eq!(distance(b"initek", b"Initech", 2), Some(2));
        assert_eq!(distance(b"globx", b"Globex Health", 1), None);
        assert_eq!(distance(b"lowdown", b"Hooli", 2), None);
    }
}
