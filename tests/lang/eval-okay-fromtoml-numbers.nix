builtins.fromTOML ''
  hex = 0xDEAD_beef
  oct = 0o755
  bin = 0b1101
  under = 1_000_000
  plus = +5
  exp = 5e+2
  exp2 = -2E-2
  frac = 6.626e-34
  negzero = -0.0
  posinf = +inf
  neginf = -inf
  max = 9223372036854775807
  min = -9223372036854775808
''
