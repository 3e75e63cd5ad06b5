# a plain backslash is literal in indented strings, and `\${` still interpolates
let c = "C"; in ''a\nb\${c}\''
