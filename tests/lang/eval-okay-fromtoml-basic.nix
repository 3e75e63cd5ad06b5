builtins.fromTOML ''
  # a comment
  title = "TOML"
  int = 42
  neg = -17
  float = 3.14
  bool = true
  off = false
  list = [ 1, 2, 3 ]
  mixed = [ 1, "a", 2.5, [ true ], { x = 1 } ]
  inline = { a = 1, "b c" = "d" }
  empty_list = []
  empty_table = {}

  [owner]
  name = "Tom"

  [database.connection]
  ports = [ 8000, 8001 ]
''
