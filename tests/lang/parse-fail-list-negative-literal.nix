# list elements are selections; `-1` must be parenthesised inside a list
[ 1 -1 ]
