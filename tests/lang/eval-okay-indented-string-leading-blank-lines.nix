# only the first line (up to and including its newline) is dropped if it is blank
''

  x
''
