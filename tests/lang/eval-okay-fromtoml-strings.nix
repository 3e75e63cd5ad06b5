builtins.fromTOML (builtins.concatStringsSep "\n" [
  ''basic = "tab\there \"quoted\" \\ \u00e9 \U0001F600"''
  ''literal = 'C:\path\no-escapes' ''
  ''multi = """''
  ''line one''
  ''line two \''
  ''    joined"""''
  "multi_literal = '''"
  ''raw \n ''${x}''
  "'''"
  ''unicode = "é"''
  ''"quoted key" = 1''
  "'literal key' = 2"
  ''"" = "empty key"''
])
