# control characters become \uXXXX (or the short escapes); non-ASCII UTF-8 and "/" pass through
builtins.toJSON [
  "\"\\" "\n\r\t" (builtins.fromJSON ''"\u0001\u0008\u000c\u001f\u007f"'') "é€😀" "</script>" "\${x}"
  { "key \"quoted\"" = "v"; "\n" = 1; }
]
