# only spaces are indentation: a leading tab stops stripping
''
	tab
  two
''
