let mk = n: { get = _: n; inc = mk (n + 1); }; in [ ((mk 0).inc.inc.get null) ((mk 5).get 0) ]
