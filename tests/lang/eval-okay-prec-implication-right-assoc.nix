# -> is right associative: false -> (false -> false) is true, (false -> false) -> false is false
[ (false -> false -> false) ((false -> false) -> false) ]
