# defaults can refer to the @-bound name, which holds only the passed arguments
(args@{ a, b ? args.a + 1 }: [ a b ]) { a = 1; }
