# an explicitly passed null is not replaced by the default
({ a ? 1 }: a) { a = null; }
