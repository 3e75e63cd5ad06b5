# an interpolation at the start of a line counts as non-whitespace
let y = "Y"; in
[ ''
    x
  ${y}
    z
'' ''
  ${y}
    ${y}
'' ]
