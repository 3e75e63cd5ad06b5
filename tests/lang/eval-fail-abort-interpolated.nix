let v = 42; in abort "value ${toString v}"
