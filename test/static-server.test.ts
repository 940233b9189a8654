// The server `npm run serve` and the site tests use: clean URLs, nothing outside the site, and
// a bad request answered, never a crash.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStaticServer, type StaticServer } from "../scripts/static-server.js";

let root: string;
let server: StaticServer;
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "cva-static-"));
  mkdirSync(join(root, "site"));
  writeFileSync(join(root, "site", "index.html"), "<p>home</p>");
  writeFileSync(join(root, "site", "quality.html"), "<p>quality</p>");
  writeFileSync(join(root, "secret.txt"), "outside");
  server = await startStaticServer(join(root, "site"));
});
afterAll(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

/** A raw request, so that the path reaches the server exactly as written. */
function get(path: string, method = "GET"): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(server.url), { method, path }, (res) => {
      let body = "";
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("the static server", () => {
  it("serves clean URLs", async () => {
    expect(await get("/")).toEqual({ status: 200, body: "<p>home</p>" });
    expect(await get("/quality")).toEqual({ status: 200, body: "<p>quality</p>" });
    expect((await get("/quality", "HEAD")).status).toBe(200);
  });

  it("answers 400 to a malformed escape and 404 outside the site, then keeps serving", async () => {
    expect((await get("/%E0%A4%A")).status).toBe(400);
    expect((await get("/../secret.txt")).status).toBe(404);
    expect((await get("/%2e%2e/secret.txt")).status).toBe(404);
    expect((await get("/quality", "POST")).status).toBe(405);
    expect((await get("/quality")).status).toBe(200);
  });
});
