// The emulator's public surface.
export { loadSchemaFile, parseSchema } from './schema.js';
export { startDataverseEmulator } from './server.js';
export type {
  EmulatorColumn,
  EmulatorColumnType,
  EmulatorEntitySet,
  EmulatorOptions,
  EmulatorSchema,
  EmulatorStats,
  Faults,
  RunningEmulator,
  ServiceLimits,
} from './types.js';
