//! How Nix writes floats: C++ `ostream << double` (like `%g` with 6 significant digits)
//! for printing and JSON, and `std::to_string` (`%f`) for `toString` and derivation
//! attributes.

/// `%g` with 6 significant digits: `1.0` → `1`, `1e6` → `1e+06`, `0.0001` → `0.0001`.
pub fn format_g(x: f64) -> String {
    if x.is_nan() {
        return if x.is_sign_negative() { "-nan".into() } else { "nan".into() };
    }
    if x.is_infinite() {
        return if x < 0.0 { "-inf".into() } else { "inf".into() };
    }
    if x == 0.0 {
        return if x.is_sign_negative() { "-0".into() } else { "0".into() };
    }
    const PRECISION: i32 = 6;
    // Round to the significant digits first; the exponent of the *rounded* value decides
    // between fixed and scientific notation, exactly as C's %g does.
    let sci = format!("{:.*e}", (PRECISION - 1) as usize, x);
    let (mantissa, exp) = sci.split_once('e').expect("Rust's {:e} output has an exponent");
    let exp: i32 = exp.parse().expect("the exponent is an integer");
    if !(-4..PRECISION).contains(&exp) {
        let mantissa = strip_zeros(mantissa);
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exp.abs())
    } else {
        let decimals = (PRECISION - 1 - exp).max(0) as usize;
        strip_zeros(&format!("{x:.decimals$}")).to_string()
    }
}

fn strip_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

/// `%f`: six decimals, as `toString 1.5` gives `"1.500000"`.
pub fn format_f(x: f64) -> String {
    if x.is_nan() {
        return if x.is_sign_negative() { "-nan".into() } else { "nan".into() };
    }
    if x.is_infinite() {
        return if x < 0.0 { "-inf".into() } else { "inf".into() };
    }
    format!("{x:.6}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn g_format_matches_c() {
        assert_eq!(format_g(1.0), "1");
        assert_eq!(format_g(1.5), "1.5");
        assert_eq!(format_g(1e6), "1e+06");
        assert_eq!(format_g(100000.0), "100000");
        assert_eq!(format_g(1234567.0), "1.23457e+06");
        assert_eq!(format_g(0.1), "0.1");
        assert_eq!(format_g(0.0001), "0.0001");
        assert_eq!(format_g(0.00001), "1e-05");
        assert_eq!(format_g(-2.5), "-2.5");
        assert_eq!(format_g(1.23456789), "1.23457");
        assert_eq!(format_g(999999.5), "1e+06");
        assert_eq!(format_g(1e21), "1e+21");
        assert_eq!(format_g(1e100), "1e+100");
    }

    #[test]
    fn f_format() {
        assert_eq!(format_f(1.5), "1.500000");
        assert_eq!(format_f(3.25), "3.250000");
    }
}
