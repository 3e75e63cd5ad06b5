let k = "key"; in { ${k} = 1; "${k}2" = 2; ${"lit"} = 3; "quoted" = 4; ${"a" + "b"} = 5; "a b" = 6; }
