# a million-deep non-tail recursion ends in a clean error (max-call-depth), not a crash
let f = n: if n == 0 then 0 else 1 + f (n - 1); in f 1000000
