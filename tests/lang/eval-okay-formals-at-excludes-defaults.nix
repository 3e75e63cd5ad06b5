# the @-bound set is exactly the argument: it does not contain defaults
[ ((args@{ a, b ? 2 }: args) { a = 1; }) (({ a, b ? 2 }@args: args) { a = 1; }) ]
