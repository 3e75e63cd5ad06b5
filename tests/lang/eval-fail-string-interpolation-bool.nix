"x${true}"
