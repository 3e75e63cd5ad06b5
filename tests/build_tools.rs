//! The builder's tests that need tools from outside tern: the cross-check with CppNix's
//! `nix-build`, a store shared with CppNix, an aarch64 build under qemu-user and builds by an unprivileged user. They
//! run through `libtest_mimic` so that one that cannot run here reports itself skipped
//! (`tests/common/gate.rs`); the rest of the builder's tests are in `tests/build/`.

#[path = "common/gate.rs"]
mod gate;

// Shared with `tests/build/`; this binary uses only part of it.
#[allow(dead_code)]
#[path = "build/support.rs"]
mod support;

#[path = "build/cppnix.rs"]
mod cppnix;

#[path = "build/emulation.rs"]
mod emulation;

#[path = "build/shared_store.rs"]
mod shared_store;

#[path = "build/remote.rs"]
mod remote;

#[path = "build/remote_faults.rs"]
mod remote_faults;

#[path = "build/daemon.rs"]
mod daemon;

use libtest_mimic::{Arguments, Trial};

fn main() {
    let trials = vec![
        Trial::ignorable_test("cppnix::same_outputs_as_nix_build", cppnix::same_outputs_as_nix_build),
        Trial::ignorable_test(
            "shared_store::tern_and_cppnix_share_a_store",
            shared_store::tern_and_cppnix_share_a_store,
        ),
        Trial::ignorable_test("remote::builds_on_a_remote_cppnix_over_ssh", remote::builds_on_a_remote_cppnix_over_ssh),
        Trial::ignorable_test(
            "remote::builds_on_a_remote_cppnix_over_ssh_ng",
            remote::builds_on_a_remote_cppnix_over_ssh_ng,
        ),
        Trial::ignorable_test(
            "remote_faults::remote_dies_during_a_build_over_ssh",
            remote_faults::remote_dies_during_a_build_over_ssh,
        ),
        Trial::ignorable_test(
            "remote_faults::remote_dies_during_a_build_over_ssh_ng",
            remote_faults::remote_dies_during_a_build_over_ssh_ng,
        ),
        Trial::ignorable_test("daemon::builds_through_a_cppnix_daemon", daemon::builds_through_a_cppnix_daemon),
        Trial::ignorable_test("emulation::aarch64_under_qemu_user", emulation::aarch64_under_qemu_user),
        Trial::ignorable_test(
            "emulation::private_binfmt_runs_every_foreign_program",
            emulation::private_binfmt_runs_every_foreign_program,
        ),
        Trial::ignorable_test(
            "emulation::unprivileged_user_builds_through_a_user_namespace",
            emulation::unprivileged_user_builds_through_a_user_namespace,
        ),
    ];
    libtest_mimic::run(&Arguments::from_args(), trials).exit();
}
