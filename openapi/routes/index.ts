import { getBroadcastRoute, listBroadcastsRoute } from "./broadcasts.routes";
import { estimateCostRoute } from "./cost.routes";
import { getHealthRoute } from "./health.routes";
import {
  exportViewingRecordsRoute,
  getStageBreakdownRoute,
  getStageSeriesRoute,
  listStageRollupsRoute,
  listStageSnapshotsRoute,
  listViewingRecordsRoute,
} from "./history.routes";
import {
  getStageViewersRoute,
  getViewerTotalsRoute,
  leaveStageRoute,
  sendHeartbeatRoute,
  startAnonymousSessionRoute,
} from "./presence.routes";
import { openPresenceSocketRoute } from "./presence-socket.routes";
import {
  createStageRoute,
  getStageRoute,
  issueViewerTokenRoute,
  listStagesRoute,
  updateStageRoute,
} from "./stages.routes";
import { getViewerWatchTimeRoute } from "./watch-time.routes";

export * from "./broadcasts.routes";
export * from "./cost.routes";
export * from "./health.routes";
export * from "./history.routes";
export * from "./presence.routes";
export * from "./presence-socket.routes";
export * from "./stages.routes";
export * from "./watch-time.routes";

/** Every route of the contract, in the order the document lists them. */
export const contractRoutes = [
  sendHeartbeatRoute,
  leaveStageRoute,
  startAnonymousSessionRoute,
  getStageViewersRoute,
  openPresenceSocketRoute,
  getViewerTotalsRoute,
  createStageRoute,
  getStageRoute,
  listStagesRoute,
  updateStageRoute,
  issueViewerTokenRoute,
  listStageSnapshotsRoute,
  listStageRollupsRoute,
  getStageSeriesRoute,
  getStageBreakdownRoute,
  listViewingRecordsRoute,
  exportViewingRecordsRoute,
  listBroadcastsRoute,
  getBroadcastRoute,
  getViewerWatchTimeRoute,
  estimateCostRoute,
  getHealthRoute,
] as const;
