let a = 1 + 1; in builtins.seq a [ a a (a + 1) ]
