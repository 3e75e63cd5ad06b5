# %g switches to exponent notation at 1e6 and below 1e-4
[ 100000.0 1000000.0 123456.0 1234567.0 0.0001 0.00001 1.0e21 ]
