/**
 * @medplum/core reads `WebSocket.CLOSING` and `WebSocket.CLOSED` when it loads (for its subscription
 * client, which this library never uses). Node 22 has a global WebSocket, but a context without
 * one (each jest test file runs in its own, which lacks it) would fail to load the validator. This
 * gives such a context the four ready-state constants, and nothing else; where a real WebSocket
 * exists it is left alone. Imported before @medplum/core.
 */
if (typeof (globalThis as { WebSocket?: unknown }).WebSocket === 'undefined')
  Object.defineProperty(globalThis, 'WebSocket', {
    value: Object.freeze({ CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 }),
    configurable: true,
    writable: true,
  });

export {};
