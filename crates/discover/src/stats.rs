//! Small, exact statistics: Wilson score intervals for shares, least-squares
//! trends with a Student-t test of the slope, the Benjamini–Hochberg
//! correction across many tests, lift and PMI.

use serde::{Deserialize, Serialize};

/// z for a two-sided 95% interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// Wilson score interval for `k` successes out of `n` at normal quantile `z`.
/// Returns `(0, 0)` for `n == 0`. Unlike the normal ("Wald") interval it
/// stays inside [0, 1] and is honest for small `n` and shares near 0 or 1.
pub fn wilson(k: u64, n: u64, z: f64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 0.0);
    }
    let n = n as f64;
    let p = k as f64 / n;
    let z2 = z * z;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denom;
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// A least-squares line through `(x, y)` points and the test of its slope.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Fit {
    /// Change in `y` per unit of `x`.
    pub slope: f64,
    pub intercept: f64,
    /// Two-sided p-value of H0: slope = 0 (Student t, n − 2 degrees of freedom).
    pub p_value: f64,
    pub n: usize,
}

/// Ordinary least squares of `y` on `x`; `None` with fewer than 3 points or
/// when all `x` are equal (no slope can be estimated or tested).
pub fn ols(points: &[(f64, f64)]) -> Option<Fit> {
    let n = points.len();
    if n < 3 {
        return None;
    }
    let nf = n as f64;
    let mx = points.iter().map(|p| p.0).sum::<f64>() / nf;
    let my = points.iter().map(|p| p.1).sum::<f64>() / nf;
    let sxx: f64 = points.iter().map(|p| (p.0 - mx).powi(2)).sum();
    if sxx <= 0.0 {
        return None;
    }
    let sxy: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    let slope = sxy / sxx;
    let intercept = my - slope * mx;
    let sse: f64 = points
        .iter()
        .map(|p| (p.1 - intercept - slope * p.0).powi(2))
        .sum();
    let df = nf - 2.0;
    let se = (sse / df / sxx).sqrt();
    let p_value = if slope == 0.0 {
        1.0
    } else if se <= 1e-15 {
        0.0
    } else {
        t_two_sided_p(slope / se, df)
    };
    Some(Fit {
        slope,
        intercept,
        p_value,
        n,
    })
}

/// Two-sided p-value of Student's t with `df` degrees of freedom:
/// `I_{df/(df+t²)}(df/2, 1/2)`.
pub fn t_two_sided_p(t: f64, df: f64) -> f64 {
    let x = df / (df + t * t);
    reg_inc_beta(df / 2.0, 0.5, x).clamp(0.0, 1.0)
}

/// ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; ~15 significant digits).
pub fn ln_gamma(x: f64) -> f64 {
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection.
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = C[0];
    let t = x + 7.5;
    for (i, c) in C.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// Regularised incomplete beta I_x(a, b) by Lentz's continued fraction.
pub fn reg_inc_beta(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_front = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln();
    if x > (a + 1.0) / (a + b + 2.0) {
        return 1.0 - reg_inc_beta(b, a, 1.0 - x);
    }
    let front = ln_front.exp() / a;
    const TINY: f64 = 1e-300;
    let mut f = 1.0;
    let mut c = 1.0;
    let mut d = 0.0;
    for i in 0..=400 {
        let m = (i / 2) as f64;
        let num = if i == 0 {
            1.0
        } else if i % 2 == 0 {
            m * (b - m) * x / ((a + 2.0 * m - 1.0) * (a + 2.0 * m))
        } else {
            -((a + m) * (a + b + m) * x) / ((a + 2.0 * m) * (a + 2.0 * m + 1.0))
        };
        d = 1.0 + num * d;
        if d.abs() < TINY {
            d = TINY;
        }
        d = 1.0 / d;
        c = 1.0 + num / c;
        if c.abs() < TINY {
            c = TINY;
        }
        let cd = c * d;
        f *= cd;
        if (1.0 - cd).abs() < 1e-14 {
            break;
        }
    }
    front * (f - 1.0)
}

/// Benjamini–Hochberg adjusted p-values ("q-values"), in the order given:
/// `q_(i) = min_{j ≥ i} p_(j) · m / j` over the p-values sorted ascending,
/// capped at 1. Calling a test significant when q < α keeps the expected
/// share of false discoveries among them at most α (Benjamini & Hochberg
/// 1995), where testing hundreds of skills' trends at p < 0.05 would let
/// about one in twenty flat skills look rising or falling.
pub fn benjamini_hochberg(p: &[f64]) -> Vec<f64> {
    let m = p.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
    let mut q = vec![1.0; m];
    let mut running = 1.0f64;
    for (rank, &i) in order.iter().enumerate().rev() {
        let v = (p[i] * m as f64 / (rank + 1) as f64).min(1.0);
        running = running.min(v);
        q[i] = running;
    }
    q
}

/// Lift of a pair: how many times more often two skills appear together than
/// if they were independent. `n` postings, `na`/`nb` postings with each,
/// `nab` with both.
pub fn lift(nab: u64, na: u64, nb: u64, n: u64) -> f64 {
    if na == 0 || nb == 0 {
        return 0.0;
    }
    nab as f64 * n as f64 / (na as f64 * nb as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, eps: f64) -> bool {
        (a - b).abs() < eps
    }

    #[test]
    fn wilson_matches_published_values() {
        // Newcombe (1998), table I: 81/263 → 0.2553–0.3662.
        let (lo, hi) = wilson(81, 263, Z95);
        assert!(
            close(lo, 0.2553, 5e-4) && close(hi, 0.3662, 5e-4),
            "{lo} {hi}"
        );
        // 0/10 → 0–0.2775.
        let (lo, hi) = wilson(0, 10, Z95);
        assert_eq!(lo, 0.0);
        assert!(close(hi, 0.2775, 5e-4), "{hi}");
        assert_eq!(wilson(0, 0, Z95), (0.0, 0.0));
    }

    #[test]
    fn student_t_p_values() {
        // t = 2.228, df = 10 is the two-sided 5% critical value.
        assert!(close(t_two_sided_p(2.228, 10.0), 0.05, 5e-4));
        // t = 1.0, df = 1: p = 0.5 exactly.
        assert!(close(t_two_sided_p(1.0, 1.0), 0.5, 1e-9));
        assert!(close(t_two_sided_p(0.0, 5.0), 1.0, 1e-12));
    }

    #[test]
    fn ols_recovers_a_line_and_tests_it() {
        let pts: Vec<(f64, f64)> = (0..8).map(|i| (i as f64, 0.1 + 0.05 * i as f64)).collect();
        let f = ols(&pts).unwrap();
        assert!(close(f.slope, 0.05, 1e-12) && close(f.intercept, 0.1, 1e-12));
        assert_eq!(f.p_value, 0.0);
        let flat = [(0.0, 0.2), (1.0, 0.3), (2.0, 0.2), (3.0, 0.3), (4.0, 0.2)];
        let f = ols(&flat).unwrap();
        assert!(f.p_value > 0.5, "{f:?}");
        assert!(ols(&[(0.0, 1.0), (1.0, 2.0)]).is_none());
        assert!(ols(&[(1.0, 1.0), (1.0, 2.0), (1.0, 3.0)]).is_none());
    }

    #[test]
    fn benjamini_hochberg_matches_r_p_adjust() {
        // R: p.adjust(c(0.01, 0.04, 0.03, 0.005, 0.5), "BH")
        //    = 0.025 0.05 0.05 0.025 0.5
        let q = benjamini_hochberg(&[0.01, 0.04, 0.03, 0.005, 0.5]);
        for (a, b) in q.iter().zip([0.025, 0.05, 0.05, 0.025, 0.5]) {
            assert!(close(*a, b, 1e-12), "{q:?}");
        }
        assert!(benjamini_hochberg(&[]).is_empty());
        // One test: unchanged.
        assert_eq!(benjamini_hochberg(&[0.03]), vec![0.03]);
        // 20 tests at p = 0.04 each stay 0.04; one at 0.04 among 19 at 0.9 does not.
        let mut p = vec![0.9; 19];
        p.push(0.04);
        assert!(close(benjamini_hochberg(&p)[19], 0.8, 1e-12));
    }

    #[test]
    fn lift_of_independent_pair_is_one() {
        assert!(close(lift(25, 50, 50, 100), 1.0, 1e-12));
        assert!(close(lift(50, 50, 50, 100), 2.0, 1e-12));
    }
}
