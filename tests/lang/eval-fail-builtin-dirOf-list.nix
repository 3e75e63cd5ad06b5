dirOf [ "a/b" ]
