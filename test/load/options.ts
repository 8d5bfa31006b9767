import { parseArgs } from "node:util";

export interface LoadOptions {
  /** Viewers in all (default 2,000), spread round-robin over the stages. */
  viewers: number;
  /** Stages (default 20). */
  stages: number;
  /**
   * How long viewers keep beating, in s (default 90): the first interval (30 s) is the warm-up,
   * when every viewer's first heartbeat goes out and each stage's first one in the worker runs
   * the checking script; the limit applies to what follows, the steady state.
   */
  durationSec: number;
  /** The worker's base URL (default http://127.0.0.1:$PORT, PORT 8787). */
  url: string;
  /** The Upstash-compatible endpoint whose `/__stats` counts commands (default :$UPSTASH_PORT, 8079). */
  upstashUrl: string;
  /** The admin key `npm start` printed (`--admin-key` or ADMIN_API_KEY). */
  adminKey: string;
  /** `http` (heartbeats, the default) or `websocket` (presence sockets, test/load/socket-load.ts). */
  transport: "http" | "websocket";
  /**
   * WebSocket transport: print the Upstash commands of every this many seconds of the steady
   * state, with the UTC time (0, the default: none), to see an hour's top against its minutes.
   */
  seriesSec: number;
  /** The most billed commands per heartbeat, in the steady state, that passes (default 1.25: one BITFIELD, plus a count per stage every 10 s and the registry check). */
  maxCommandsPerHeartbeat: number;
}

export const USAGE = `Usage: npm run load -- [--viewers 2000] [--stages 20] [--duration 90]
       [--url http://127.0.0.1:8787] [--upstash-url http://127.0.0.1:8079]
       [--admin-key KEY (or ADMIN_API_KEY)] [--max-commands 1.25] [--transport http|websocket] [--series SEC]
Drives viewers' heartbeats (or presence sockets) against a running \`npm start\` and checks counts and cost.`;

function positive(name: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`--${name} must be a positive number, got "${raw}"`);
  return value;
}

/** Reads flags, then the environment (PORT, UPSTASH_PORT, ADMIN_API_KEY), then defaults. */
export function parseLoadOptions(argv: string[], env: NodeJS.ProcessEnv): LoadOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      viewers: { type: "string", default: "2000" },
      stages: { type: "string", default: "20" },
      duration: { type: "string", default: "90" },
      url: { type: "string" },
      "upstash-url": { type: "string" },
      "admin-key": { type: "string" },
      "max-commands": { type: "string", default: "1.25" },
      transport: { type: "string", default: "http" },
      series: { type: "string", default: "0" },
    },
  });
  const adminKey = values["admin-key"] ?? env.ADMIN_API_KEY ?? "";
  if (adminKey === "") {
    throw new Error(
      "the admin key is needed: --admin-key KEY or ADMIN_API_KEY (npm start prints it)",
    );
  }
  const viewers = Math.floor(positive("viewers", values.viewers));
  const stages = Math.floor(positive("stages", values.stages));
  if (stages > viewers) throw new Error("--stages must not exceed --viewers");
  if (values.transport !== "http" && values.transport !== "websocket") {
    throw new Error(`--transport must be http or websocket, got "${values.transport}"`);
  }
  return {
    viewers,
    stages,
    durationSec: positive("duration", values.duration),
    url: (values.url ?? `http://127.0.0.1:${env.PORT || 8787}`).replace(/\/$/, ""),
    upstashUrl: (values["upstash-url"] ?? `http://127.0.0.1:${env.UPSTASH_PORT || 8079}`).replace(
      /\/$/,
      "",
    ),
    adminKey,
    maxCommandsPerHeartbeat: positive("max-commands", values["max-commands"]),
    transport: values.transport,
    seriesSec: Math.max(0, Number(values.series) || 0),
  };
}
