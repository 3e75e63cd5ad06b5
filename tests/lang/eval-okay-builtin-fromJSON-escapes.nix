# every JSON escape, surrogate pairs, and whitespace between tokens
builtins.fromJSON ''
  [ "\"\\\/\b\f\n\r\t", "\u0041\u00e9\u20ac", "\ud83d\ude00", "" , { "" : "empty key" } ]
''
