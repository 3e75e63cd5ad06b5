# a trailing comma in formals is accepted
({ a, b, }: a + b) { a = 1; b = 2; }
