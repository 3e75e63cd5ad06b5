# relative paths resolve against this file's directory (data/dir)
baseNameOf ./.
