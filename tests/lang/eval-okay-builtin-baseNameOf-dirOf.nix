# on strings they work on the text; on paths they return paths (dirOf) or strings (baseNameOf)
[
  (baseNameOf "/a/b/c") (baseNameOf "/a/b/c/") (baseNameOf "c") (baseNameOf "") (baseNameOf "/") (baseNameOf "a//b")
  (dirOf "/a/b/c") (dirOf "/a/b/c/") (dirOf "c") (dirOf "") (dirOf "/") (dirOf "/a") (dirOf "a/b") (dirOf "a//b")
  (baseNameOf ./data/a.txt) (builtins.typeOf (baseNameOf ./data/a.txt))
  (builtins.typeOf (dirOf ./data/a.txt)) (baseNameOf (dirOf ./data/a.txt)) (dirOf /.) (dirOf /a)
]
