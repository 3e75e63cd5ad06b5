# the first elements are equal, so the second ones are compared
[ 1 "a" ] < [ 1 2 ]
