import { connect, isIP } from 'node:net';
import { connect as connectTls } from 'node:tls';
import type { ISocketFactory } from 'kafkajs';

/**
 * kafkajs's own socket factory, with Nagle's algorithm off. kafkajs leaves it on, so a small
 * request written while an earlier one is unacknowledged (a consumer's long-poll fetch, commits,
 * concurrent produces) can wait for the broker's delayed ACK, tens of milliseconds: too long for
 * synchronous request-reply (bench/README.md, gateway latency).
 */
export const socketWithoutDelay: ISocketFactory = ({ host, port, ssl, onConnect }) => {
  const socket = ssl
    ? connectTls({ host, port, ...(isIP(host) ? {} : { servername: host }), ...ssl }, onConnect)
    : connect({ host, port }, onConnect);
  socket.setKeepAlive(true, 60_000);
  socket.setNoDelay(true);
  return socket;
};
