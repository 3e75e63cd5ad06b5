# The bootstrap tools: this machine's shell and basic utilities (coreutils,
# sed, grep, make, tar, …) linked into one store path, which every stdenv puts
# on PATH and whose bash runs every builder.  Evaluating this never looks at
# the machine; building it does, and fails with the Debian package to install
# when a tool is missing.
{ system }:
derivation {
  name = "bootstrap-tools";
  inherit system;
  builder = "/bin/sh";
  args = [ ./bootstrap-tools.sh ];
  # tool=debian-package pairs; the tool is looked up in /usr/bin then /bin.
  tools = builtins.concatStringsSep " " [
    "bash=bash"
    "sh=dash"
    "awk=mawk"
    "sed=sed"
    "grep=grep"
    "egrep=grep"
    "fgrep=grep"
    "find=findutils"
    "xargs=findutils"
    "diff=diffutils"
    "cmp=diffutils"
    "comm=coreutils"
    "make=make"
    "patch=patch"
    "tar=tar"
    "gzip=gzip"
    "gunzip=gzip"
    "bzip2=bzip2"
    "xz=xz-utils"
    "od=coreutils"
    "basename=coreutils"
    "cat=coreutils"
    "chmod=coreutils"
    "cp=coreutils"
    "cut=coreutils"
    "date=coreutils"
    "dirname=coreutils"
    "echo=coreutils"
    "env=coreutils"
    "expr=coreutils"
    "false=coreutils"
    "head=coreutils"
    "id=coreutils"
    "install=coreutils"
    "ln=coreutils"
    "ls=coreutils"
    "mkdir=coreutils"
    "mktemp=coreutils"
    "mv=coreutils"
    "printf=coreutils"
    "pwd=coreutils"
    "readlink=coreutils"
    "realpath=coreutils"
    "rm=coreutils"
    "rmdir=coreutils"
    "sleep=coreutils"
    "sort=coreutils"
    "stat=coreutils"
    "tail=coreutils"
    "tee=coreutils"
    "test=coreutils"
    "touch=coreutils"
    "tr=coreutils"
    "true=coreutils"
    "uname=coreutils"
    "uniq=coreutils"
    "wc=coreutils"
  ];
}
