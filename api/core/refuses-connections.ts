import net from 'node:net';

/**
 * True when nothing listens at `host:port` (the connection is refused or fails at once). A server that is alive but
 * busy, or stopped with its socket open, accepts the connection in the kernel, so this tells a slow server from a dead
 * one without waiting for gRPC.
 */
export function refusesConnections(address: string, timeoutMs = 300): Promise<boolean> {
  const separator = address.lastIndexOf(':');
  const host = address.slice(0, separator).replace(/^\[|\]$/g, '');
  const port = Number(address.slice(separator + 1));
  if (separator < 0 || !Number.isInteger(port)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const settle = (refused: boolean) => {
      socket.destroy();
      resolve(refused);
    };
    socket.setTimeout(timeoutMs, () => settle(false));
    socket.once('connect', () => settle(false));
    socket.once('error', () => settle(true));
  });
}
