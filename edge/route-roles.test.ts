import { describe, expect, it } from "vitest";
import { operatorRoleOf } from "./route-roles";

describe("operatorRoleOf", () => {
  it("judges HEAD as the GET that answers it", () => {
    expect(operatorRoleOf("HEAD", "/v1/stages")).toBe("admin");
    expect(operatorRoleOf("HEAD", "/v1/stages/s1/snapshots")).toBe("reader");
    expect(operatorRoleOf("head", "/v1/viewers")).toBe("reader-unless-public");
    expect(operatorRoleOf("HEAD", "/v1/stages/s1")).toBeUndefined(); // getStage is public
  });

  it("fails closed: a method an operator path does not have needs the path's strictest role", () => {
    expect(operatorRoleOf("PATCH", "/v1/stages")).toBe("admin");
    expect(operatorRoleOf("OPTIONS", "/v1/stages/s1/viewing-records")).toBe("reader");
    expect(operatorRoleOf("DELETE", "/v1/stages/s1")).toBe("admin"); // beside updateStage
    expect(operatorRoleOf("PURGE", "/v1/viewers/u1/watch-time")).toBe("reader");
  });

  it("leaves paths without operator operations alone", () => {
    expect(operatorRoleOf("DELETE", "/v1/stages/s1/heartbeats")).toBeUndefined();
    expect(operatorRoleOf("GET", "/v1/no-such-route")).toBeUndefined();
  });
});
