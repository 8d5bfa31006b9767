import { deviceClass } from "@viewer-presence/shared/audience";
import { describe, expect, it } from "vitest";
import { planAudience, presentAt, seededRandom } from "./audience-plan";

const MINUTE = 60_000;

describe("planAudience", () => {
  const plan = planAudience({
    viewers: 1000,
    stageIds: ["main", "talk", "backstage"],
    durationMs: 10 * MINUTE,
    random: seededRandom(7),
  });

  it("ramps up to a peak and falls back (churn), not a flat line", () => {
    const at = (minute: number) => presentAt(plan, minute * MINUTE);
    const counts = [0.5, 1, 2, 3, 5, 7, 9, 9.9].map(at);
    const peak = Math.max(...counts);
    expect(at(0.5)).toBeLessThan(peak / 3);
    expect(at(1)).toBeLessThan(at(3));
    expect(at(9.9)).toBeLessThan(peak * 0.8);
    expect(peak).toBeLessThan(1000); // churn: never everyone at once
  });

  it("spreads viewers over stages, countries and every device class, with a few two-tab viewers", () => {
    const count = (values: string[]) => new Set(values).size;
    expect(count(plan.map((v) => v.stageId))).toBe(3);
    expect(count(plan.map((v) => v.country))).toBeGreaterThanOrEqual(6);
    expect(new Set(plan.map((v) => deviceClass(v.userAgent)))).toEqual(
      new Set(["mobile", "desktop", "tv"]),
    );
    const twoTabs = plan.filter((v) => v.tabs === 2).length;
    expect(twoTabs).toBeGreaterThan(30);
    expect(twoTabs).toBeLessThan(150);
    expect(plan.filter((v) => v.sendsLeave).length).toBeGreaterThan(500);
  });

  it("is the same for the same seed", () => {
    const again = planAudience({
      viewers: 1000,
      stageIds: ["main", "talk", "backstage"],
      durationMs: 10 * MINUTE,
      random: seededRandom(7),
    });
    expect(again).toEqual(plan);
  });
});
