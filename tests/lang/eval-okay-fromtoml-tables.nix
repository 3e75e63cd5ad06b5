# Dotted keys, array of tables, sub-tables of array elements, super-table defined later.
builtins.fromTOML ''
  a.b.c = 1
  a.d = 2

  [[fruit]]
  name = "apple"
  [fruit.physical]
  color = "red"
  [[fruit.variety]]
  name = "red delicious"

  [[fruit]]
  name = "banana"

  [x.y.z.w]
  v = 1
  [x]
  u = 2
''
