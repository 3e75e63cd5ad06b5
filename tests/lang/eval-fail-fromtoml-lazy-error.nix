(builtins.fromTOML "x = 1\nb = 1979-05-27").x
