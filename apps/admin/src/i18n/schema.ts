import type en from './en';

/** The shape every message file has: English's. sv.ts is typed with it, so a missing key fails the build. */
export type MessageSchema = typeof en;
