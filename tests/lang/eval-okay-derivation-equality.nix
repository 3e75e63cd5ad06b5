let mk = n: derivation { name = n; system = "x86_64-linux"; builder = "/bin/sh"; }; in [ (mk "a" == mk "a") (mk "a" == mk "b") ((mk "a") == (mk "a") // { extra = 1; }) ]
