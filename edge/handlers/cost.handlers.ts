import type { OpenAPIHono } from "@hono/zod-openapi";
import { compareArchitectures } from "@viewer-presence/cost/estimate";
import { measuredWorkload } from "@viewer-presence/cost/measured";
import { WorkloadError } from "@viewer-presence/cost/workload";
import { estimateCostRoute } from "../../openapi/routes";
import type { AppEnv } from "../env";
import { problems } from "../problems";

export function registerCostHandlers(app: OpenAPIHono<AppEnv>) {
  app.openapi(estimateCostRoute, (c) => {
    const query = c.req.valid("query");
    let workload: ReturnType<typeof measuredWorkload>;
    try {
      // The same measured inputs as `npm run cost`: one answer to one question.
      workload = measuredWorkload({
        viewers: query.viewers,
        ...(query.commands === undefined ? {} : { redisCommandsPerHeartbeat: query.commands }),
        ...(query.bytes === undefined ? {} : { redisBytesPerHeartbeat: query.bytes }),
        ...(query.hoursLive === undefined ? {} : { hoursLivePerDay: query.hoursLive }),
        ...(query.peak === undefined ? {} : { peakToAverage: query.peak }),
        ...(query.sessionMinutes === undefined ? {} : { sessionMinutes: query.sessionMinutes }),
        ...(query.anonymous === undefined ? {} : { anonymousViewerShare: query.anonymous }),
        ...(query.stages === undefined ? {} : { stages: query.stages }),
        ...(query.interval === undefined ? {} : { heartbeatIntervalSec: query.interval }),
        ...(query.tabs === undefined ? {} : { tabsPerViewer: query.tabs }),
        ...(query.packing === undefined ? {} : { viewingRecordPackingFactor: query.packing }),
        ...(query.consistency === undefined ? {} : { consistency: query.consistency }),
      });
    } catch (error) {
      if (!(error instanceof WorkloadError)) throw error;
      throw problems.validation([{ path: "query", message: error.message }]);
    }
    const estimates = compareArchitectures(workload).sort((a, b) => a.total - b.total);
    c.header("cache-control", "public, max-age=3600");
    return c.json(
      {
        pricesAsOf: estimates[0]?.pricesAsOf ?? "",
        estimates: estimates.map(
          ({ counts: _counts, catalogueId: _catalogue, pricesAsOf: _asOf, ...estimate }) =>
            estimate,
        ),
      },
      200,
    );
  });
}
