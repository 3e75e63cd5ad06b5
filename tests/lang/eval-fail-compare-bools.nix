false < true
