# Setup hook of mesonEmulatorHook: lets Meson run the host's programs
# through the emulator named in the cross file.
mesonFlags="${mesonFlags-} --cross-file=@crossFile@"
