# all's predicate must return a Boolean
builtins.all (x: x) [ true 1 ]
