"${./data/does-not-exist}"
