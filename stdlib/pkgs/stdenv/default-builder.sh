# The builder of every mkDerivation package without its own: load the
# stdenv's setup and run the phases.
source "$stdenv/setup"
genericBuild
