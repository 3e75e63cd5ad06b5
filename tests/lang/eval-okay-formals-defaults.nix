let f = { a, b ? 2, c ? a + b }: [ a b c ]; in [ (f { a = 1; }) (f { a = 1; b = 5; }) (f { a = 1; c = 0; }) ]
