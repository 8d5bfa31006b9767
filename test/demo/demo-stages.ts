import type { PresenceClient } from "@viewer-presence/client";

/** The demo's stages, by share of the audience (see audience-plan.ts's stage weights). */
const TITLES = ["Main stage", "Talk room", "Backstage"];

/**
 * Creates `count` (1-3) stages for one demo run, ids prefixed by `runId` so a second run
 * against the same stack does not collide with the first. Returns their ids.
 */
export async function createDemoStages(
  client: PresenceClient,
  runId: string,
  count: number,
): Promise<string[]> {
  const ids: string[] = [];
  for (const title of TITLES.slice(0, count)) {
    const id = `${runId}-${title.split(" ")[0]!.toLowerCase()}`;
    const { response, error } = await client.POST("/v1/stages", { body: { id, title } });
    if (response.status !== 201) {
      throw new Error(`createStage ${id}: ${response.status} ${JSON.stringify(error)}`);
    }
    ids.push(id);
  }
  return ids;
}
