# && binds tighter than ||, which binds tighter than ->; == tighter than &&
[ (true || false && false) (true || false -> false) (false == false && false) (1 + 2 == 3 && 4 > 3 || false) ]
