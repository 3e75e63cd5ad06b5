builtins.deepSeq { a = [ { b = throw "deep inside"; } ]; } 1
