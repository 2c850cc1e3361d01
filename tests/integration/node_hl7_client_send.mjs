#!/usr/bin/env node
// Sends one HL7 v2 message over MLLP with the npm package node-hl7-client, unmodified, and
// prints its ACK as "ACK <MSA-1> <MSA-2>". Used by the integration tests as a second real,
// independent MLLP client.
//   node tests/integration/node_hl7_client_send.mjs PORT FILE
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(root, 'package.json'));
const hl7 = require('node-hl7-client');
const Client = hl7.Client ?? hl7.default;

const [port, file] = process.argv.slice(2);
// The client wants CR-terminated segments and no BOM, and a version equal to MSH-12.
const text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '').split(/\r\n|\n|\r/).filter((l) => l.length > 0).join('\r');
const version = text.split('\r')[0].split(text[3])[11].split(text[4])[0];

const timer = setTimeout(() => {
  process.stderr.write('no ACK within 10 s\n');
  process.exit(3);
}, 10000);
const client = new Client({ host: '127.0.0.1', version });
const connection = client.createConnection({ port: Number(port) }, async (reply) => {
  const ack = reply.getMessage();
  process.stdout.write(`ACK ${ack.get('MSA.1').toString()} ${ack.get('MSA.2').toString()}\n`);
  clearTimeout(timer);
  await connection.close();
  process.exit(0);
});
await connection.sendMessage(new hl7.Message({ text }));
