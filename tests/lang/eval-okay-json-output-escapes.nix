[ "quote\" back\\ nl\n cr\r tab\t" "\${x} $" "é日" (builtins.fromJSON ''"\u0001\u001f"'') "/" ]
