builtins.storePath /etc/passwd
