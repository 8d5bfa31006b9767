import { describe, expect, it } from "vitest";
import { audienceTag, countryOf, deviceClass, parseViewerEntry } from "./audience";

describe("audience", () => {
  it("classes devices from the User-Agent, TVs before phones, and the mobile client hint", () => {
    expect(deviceClass("Mozilla/5.0 (Linux; Android 12; SHIELD Android TV) AppleWebKit")).toBe(
      "tv",
    );
    expect(deviceClass("Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0) AppleWebKit")).toBe("tv");
    expect(deviceClass("Roku/DVP-12.0 (12.0.0.4182-88)")).toBe("tv");
    expect(deviceClass("Mozilla/5.0 (Linux; Android 14; Pixel 8) Mobile Safari/537.36")).toBe(
      "mobile",
    );
    expect(deviceClass("Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X)")).toBe("mobile");
    expect(deviceClass("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) Safari/605.1.15")).toBe(
      "desktop",
    );
    expect(deviceClass("Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0")).toBe("desktop");
    expect(deviceClass("curl/8.5.0")).toBe("other");
    expect(deviceClass(undefined)).toBe("other");
    expect(deviceClass(undefined, "?1")).toBe("mobile");
  });

  it("takes Cloudflare's country, else its header, else unknown; never anything else", () => {
    expect(countryOf("DE", "US")).toBe("DE");
    expect(countryOf(undefined, "US")).toBe("US");
    expect(countryOf(undefined, "T1")).toBe("T1");
    expect(countryOf(undefined, undefined)).toBe("unknown");
    expect(countryOf(undefined, "<script>")).toBe("unknown");
    expect(countryOf(42, "de")).toBe("unknown");
  });

  it("reads back what it stores with a viewer id, and bare ids of older entries", () => {
    const tag = audienceTag({ country: "FR", device: "tv" });
    expect(parseViewerEntry(`viewer@example.com|${tag}`)).toEqual({
      viewerId: "viewer@example.com",
      country: "FR",
      device: "tv",
    });
    expect(parseViewerEntry("~AbCdEfGhIjKlMnOpQrStUv")).toEqual({
      viewerId: "~AbCdEfGhIjKlMnOpQrStUv",
      country: "unknown",
      device: "other",
    });
  });
});
