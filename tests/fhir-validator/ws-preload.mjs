// Preloaded with `node --import ./ws-preload.mjs`: @medplum/core 5 reads
// globalThis.WebSocket when its module loads, and Node 20 has no built-in WebSocket
// (Node 22+ does). The `ws` package provides a compatible implementation.
import WebSocket from 'ws';

if (typeof globalThis.WebSocket === 'undefined') {
  globalThis.WebSocket = WebSocket;
}
