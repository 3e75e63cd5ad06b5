# common leading indentation is stripped; the first (empty) line is dropped
''
  a
    b
  c
''
