# defaults may refer to formals declared later
({ a ? b * 2, b ? 1 }: a) { }
