# lists are concatenated with ++, not +
[ 1 ] + [ 2 ]
