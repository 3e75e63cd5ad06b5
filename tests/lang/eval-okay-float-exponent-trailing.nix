# `1.5e3.5` lexes as float 1.5e3 then float .5
[ 1.5e3.5 ]
