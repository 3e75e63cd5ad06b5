[
  (builtins.splitVersion "1.0-pre..a-") (builtins.splitVersion "...") (builtins.splitVersion "-1")
  (builtins.splitVersion "1.2.3rc4b") (builtins.splitVersion "unstable-2021-01-01")
  (builtins.splitVersion "1_2") (builtins.splitVersion "v1é2") (builtins.splitVersion "007")
]
