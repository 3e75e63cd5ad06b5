# unused defaults are never evaluated, and supplied ones override them
[ (({ a ? throw "unused" }: 1) { }) (({ a ? throw "overridden" }: a) { a = 2; }) ]
