# import also accepts a string holding an absolute path
(import (toString ./data/simple.nix)).a
