//! How Nix writes floats: C++ `ostream << double` (like `%g` with 6 significant digits)
//! for printing, `std::to_string` (`%f`) for `toString` and derivation attributes, and the
//! shortest round-trip digits (nlohmann::json's layout) for JSON.

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

/// A float as current CppNix's JSON writer (nlohmann::json) prints it: the shortest digits
/// that read back as the same double, written out in full with a `.0` when the decimal point
/// falls within 15 digits (`100.0`, `0.001`), else with an exponent (`1e+16`, `1.5e-07`).
/// Infinities and NaN have no JSON form and become `null`.
pub fn format_json_float(x: f64) -> String {
    if !x.is_finite() {
        return "null".into();
    }
    if x == 0.0 {
        return if x.is_sign_negative() { "-0.0".into() } else { "0.0".into() };
    }
    // Rust's `{:e}` gives the shortest round-trip digits: `d.ddde±x`.
    let sci = format!("{:e}", x.abs());
    let (mantissa, exp) = sci.split_once('e').expect("Rust's {:e} output has an exponent");
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let exp: i32 = exp.parse().expect("the exponent is an integer");
    let len = digits.len() as i32;
    // The decimal point sits after `point` digits: the value is 0.DIGITS × 10^point.
    let point = exp + 1;
    const MAX_EXP: i32 = 15;
    const MIN_EXP: i32 = -4;
    let body = if len <= point && point <= MAX_EXP {
        format!("{digits}{}.0", "0".repeat((point - len) as usize))
    } else if 0 < point && point <= MAX_EXP {
        format!("{}.{}", &digits[..point as usize], &digits[point as usize..])
    } else if MIN_EXP < point && point <= 0 {
        format!("0.{}{digits}", "0".repeat((-point) as usize))
    } else {
        let mantissa = if len == 1 { digits.clone() } else { format!("{}.{}", &digits[..1], &digits[1..]) };
        let e = point - 1;
        format!("{mantissa}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs())
    };
    if x < 0.0 {
        format!("-{body}")
    } else {
        body
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
    fn json_format_matches_nlohmann() {
        // Each expectation is what current CppNix's `builtins.toJSON` writes.
        let cases = [
            (0.0, "0.0"),
            (100.0, "100.0"),
            (99999.5, "99999.5"),
            (1e20, "1e+20"),
            (1.5e-7, "1.5e-07"),
            (123456789.0, "123456789.0"),
            (1e16, "1e+16"),
            (1e15, "1e+15"),
            (0.1, "0.1"),
            (1e-5, "1e-05"),
            (1e300, "1e+300"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (0.30000000000000004, "0.30000000000000004"),
            (-0.0, "-0.0"),
            (-2.5, "-2.5"),
            (f64::INFINITY, "null"),
        ];
        for (x, want) in cases {
            assert_eq!(format_json_float(x), want, "{x}");
        }
    }

    #[test]
    fn f_format() {
        assert_eq!(format_f(1.5), "1.500000");
        assert_eq!(format_f(3.25), "3.250000");
    }
}
