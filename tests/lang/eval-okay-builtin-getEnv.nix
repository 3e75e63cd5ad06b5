# TEST_VAR is set to "foo" by the test harness; unset variables are empty strings
[ (builtins.getEnv "TEST_VAR") (builtins.getEnv "TERN_SURELY_UNSET_VARIABLE") (builtins.getEnv "") ]
