# Lambdas: varpat, or attrspat with formals in byte order, ellipsis and the @-name;
# builtins (and their partial applications) are <unevaluated />.
builtins.toXML [
  (x: x)
  ({ b, a ? 1 }: a)
  ({ z, ... }@args: z)
  (args@{ y }: y)
  ({ }: 1)
  ({ ... }: 1)
  builtins.map
  (builtins.map (x: x))
  builtins.toXML
]
