{ x ? 1, y }: { inherit x y; }
