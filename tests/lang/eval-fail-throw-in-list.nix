[ 1 (throw "thrown from a list element") ]
