"dir default"
