# indentation is stripped from the literal text only, never from interpolated values
let v = "p\n    q"; in
''
  a ${v}
    b
''
