# a float literal cannot start with "0" followed by digits:
# `00.25` lexes as int 0 then float .25, `01.5` as int 01 then float .5
[ 00.25 01.5 0.25 ]
