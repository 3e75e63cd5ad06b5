[
  (builtins.zipAttrsWith (name: values: values) [ { a = 1; b = 2; } { b = 3; c = 4; } { a = 5; } ])
  (builtins.zipAttrsWith (name: values: name) [ ])
  (builtins.zipAttrsWith (name: builtins.length) [ { x = throw "values stay lazy"; } { x = 1; } ])
]
