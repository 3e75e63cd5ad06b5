# dividing by a float zero is an error too, not inf
1 / 0.0
