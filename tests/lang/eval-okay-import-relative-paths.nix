# paths inside an imported file are relative to that file
import ./data/lib/main.nix
