import { createServer } from "node:net";

/**
 * Asks the OS for a TCP port that is free on `host` right now: listen on port 0, read the port
 * it picked, close. Another process may take it before the caller binds it, so callers that
 * spawn a server on it should be ready to retry.
 */
export function findFreePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once("error", reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      if (address === null || typeof address === "string") {
        probe.close();
        reject(new Error("could not read the port of a probe server"));
        return;
      }
      const { port } = address;
      probe.close((error) => (error ? reject(error) : resolve(port)));
    });
  });
}
