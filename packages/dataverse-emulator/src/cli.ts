#!/usr/bin/env node
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadSchemaFile } from './schema.js';
import { startDataverseEmulator } from './server.js';

/** `pnpm --filter @tandem/dataverse-emulator start [--schema file] [--port N] [--db file]` */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      schema: { type: 'string' },
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      db: { type: 'string' },
    },
  });
  const schemaPath = values.schema ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'schemas', 'demo.json');
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port: "${values.port}" is not a port`);
  const emulator = await startDataverseEmulator({
    schema: loadSchemaFile(schemaPath),
    port,
    host: values.host,
    database: values.db,
  });
  console.log(`Dataverse emulator listening at ${emulator.url}`);
  console.log(`  Web API:       ${emulator.apiUrl}`);
  console.log(`  Token URL:     ${emulator.tokenUrl}`);
  console.log(`  Client id:     ${emulator.client.clientId}`);
  console.log(`  Client secret: ${emulator.client.clientSecret}`);
  console.log(`  Schema:        ${schemaPath}${values.db ? `, database ${values.db}` : ', in memory'}`);
  const stop = () => {
    void emulator.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`dataverse-emulator: ${(error as Error).message}`);
  process.exit(1);
});
