# other control characters and UTF-8 are printed raw
builtins.fromJSON ''"\u0001é\u007f"''
