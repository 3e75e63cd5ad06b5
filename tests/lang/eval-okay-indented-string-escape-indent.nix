# an escape at the start of a line is not whitespace; ''\t is not indentation
''
  ''\tx
  y
''
