builtins.split "^*" ""
