//! Numbers as the page shows them.

/// `x` (≥ 0) rounded to one decimal, as `format!("{x:.1}")` writes it but for ties, which
/// round up. Integer arithmetic keeps core's float formatting (12 KB) out of the wasm.
pub fn one_decimal(x: f64) -> String {
    let tenths = (x * 10.0).round() as u64;
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// `x` (≥ 0) rounded to a whole number, as `format!("{x:.0}")` writes it but for ties.
pub fn whole(x: f64) -> String {
    (x.round() as u64).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_durations_read_as_format_writes_them() {
        for x in [0.0, 0.04, 0.96, 1.0, 9.99, 13.44, 27.0, 999.4, 1234.56] {
            assert_eq!(one_decimal(x), format!("{x:.1}"), "{x}");
            assert_eq!(whole(x), format!("{x:.0}"), "{x}");
        }
        // A tie rounds up (format! would round 0.25 to the even 0.2).
        assert_eq!(one_decimal(0.25), "0.3");
    }
}
