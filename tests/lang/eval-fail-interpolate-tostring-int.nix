# interpolation uses __toString, but its result must then be a string-like value
"${{ __toString = self: 1; }}"
