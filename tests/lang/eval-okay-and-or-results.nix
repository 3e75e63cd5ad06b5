[ (true && true) (true && false) (false || false) (false || true) (!false) (true -> true) (false -> false) ]
