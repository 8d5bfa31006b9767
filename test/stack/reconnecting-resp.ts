import { openRespConnection, type RespConnection } from "./resp-connection";

/**
 * A {@link RespConnection} that survives a restarted redis-server: it connects on first use,
 * and opens a new connection for the next batch once the current one failed or closed (Redis
 * killed or restarted, a reset). The batches that were on the failed connection fail: their
 * commands may or may not have run, as with any lost connection; nothing is resent. While Redis
 * is stalled (SIGSTOP) the connection stays open and batches wait, as on a real one.
 */
export function reconnectingResp(port: number, host = "127.0.0.1"): RespConnection {
  let conn: RespConnection | undefined;
  let opening: Promise<RespConnection> | undefined;
  let closed = false;

  /** The open connection, or the one being opened (one at a time, whoever asks). */
  function connection(): Promise<RespConnection> {
    if (conn?.open) return Promise.resolve(conn);
    opening ??= openRespConnection(port, host).then(
      (opened) => {
        conn = opened;
        opening = undefined;
        return opened;
      },
      (error: unknown) => {
        opening = undefined;
        throw error;
      },
    );
    return opening;
  }

  return {
    async send(commands) {
      if (closed) throw new Error("the connection to Redis is closed");
      const conn = await connection();
      try {
        return await conn.send(commands);
      } catch (error) {
        // A reply that could not be parsed leaves the connection unusable too.
        void conn.close();
        throw error;
      }
    },
    async close() {
      closed = true;
      await opening?.catch(() => undefined);
      await conn?.close();
    },
    get open() {
      return !closed;
    },
  };
}
