// The emulator's public surface; filled in by the emulator's modules.
export {};
