"${./data/file.drv}"
