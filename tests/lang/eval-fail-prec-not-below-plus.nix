# `!` binds more loosely than `+`: this is !(true + 1)
!true + 1
