# Current CppNix (toml11 4, experimental feature parse-toml-timestamps): dates and times
# become { _type = "timestamp"; value = …; } with the separator T, seconds always shown,
# fractions in 3/6/9 digits and a zero offset written Z. Nix 2.8 has no such feature.
builtins.fromTOML ''
  odt1 = 1979-05-27T07:32:00Z
  odt2 = 1979-05-27T00:32:00-07:00
  odt3 = 1979-05-27 07:32:00.5+01:30
  odt4 = 1979-05-27T07:32:00.123456789-00:00
  ldt1 = 1979-05-27T07:32:00
  ldt2 = 1979-05-27t07:32:00.0001
  ld = 1979-05-27
  lt1 = 07:32:00
  lt2 = 00:32:00.999999
  nested = { when = [ 2000-01-01 ] }
''
