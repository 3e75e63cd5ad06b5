# the right operand of && is checked to be a Boolean too
true && 1
