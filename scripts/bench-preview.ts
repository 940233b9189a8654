/**
 * The live preview's latency, for `npm run bench`: `npm run dev` on a copy of a data folder,
 * one page open in Chromium, then one order appended to the orders export as an export tool
 * would; the seconds until the open page's revenue card shows another figure.
 */
import { spawn } from "node:child_process";
import { appendFileSync, closeSync, cpSync, fstatSync, openSync, readSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { launchChromium } from "./chromium.js";

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });

/** The first two lines and the last line of a file, reading only its ends (an export may be gigabytes). */
function endsOf(path: string): { header: string; first: string; last: string } {
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    const read = (position: number, length: number) => {
      const buffer = Buffer.alloc(Math.min(length, size));
      readSync(fd, buffer, 0, buffer.length, Math.max(0, position));
      return buffer.toString("utf-8");
    };
    const [header, first] = read(0, 1 << 16).split("\n");
    const last = read(size - (1 << 16), 1 << 16)
      .trimEnd()
      .split("\n")
      .at(-1)!;
    return { header: header!, first: first!, last };
  } finally {
    closeSync(fd);
  }
}

/** An order of five million on the export's last date, for its first customer and product. */
function lateOrder(ordersPath: string): string {
  const ends = endsOf(ordersPath);
  const header = ends.header.trimEnd().split(",");
  const first = ends.first.trimEnd().split(",");
  const last = ends.last.split(",");
  const value: Record<string, string> = {
    order_id: "OBENCH1",
    ordered_at: last[header.indexOf("ordered_at")]!,
    amount: "5000000.00"
  };
  return `${header.map((column, i) => value[column] ?? first[i] ?? "").join(",")}\n`;
}

export interface PreviewTimes {
  /** From `npm run dev` to the first page showing its figures. */
  start: number;
  /** From saving the export to the open page showing the new figures. */
  update: number;
}

export async function previewLatency(projectDir: string, dataDir: string, workDir: string): Promise<PreviewTimes> {
  const data = join(workDir, "preview-data");
  cpSync(dataDir, data, { recursive: true });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const started = performance.now();
  const dev = spawn("npm", ["run", "dev", "--", "--port", String(port), "--no-open"], {
    cwd: projectDir,
    env: { ...process.env, CVA_DATA: data, CVA_WAREHOUSE: join(workDir, "preview-warehouse") },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"]
  });
  let output = "";
  dev.stdout.on("data", (chunk) => (output += chunk));
  dev.stderr.on("data", (chunk) => (output += chunk));
  const browser = await launchChromium();
  try {
    await new Promise<void>((resolve, reject) => {
      const check = setInterval(() => {
        if (output.includes(url)) resolve(clearInterval(check));
        else if (dev.exitCode !== null) reject(new Error(`npm run dev exited with ${dev.exitCode}:\n${output}`));
      }, 100);
    });
    const page = await browser.newPage();
    await page.goto(url);
    const card = page.locator("#kpi-revenue .kpi-value");
    await card.waitFor({ timeout: 600_000 }).catch((error: Error) => {
      throw new Error(`${error.message}\nnpm run dev said:\n${output}`);
    });
    const start = (performance.now() - started) / 1000;
    const before = await card.textContent();
    const saved = performance.now();
    appendFileSync(join(data, "orders.csv"), lateOrder(join(data, "orders.csv")));
    // Polled from here, 20 times a second: the page's own update is what is timed.
    while ((await card.textContent()) === before) {
      if (performance.now() - saved > 600_000)
        throw new Error(`the open page never showed the new figures:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return { start, update: (performance.now() - saved) / 1000 };
  } finally {
    await browser.close();
    // npm, tsx, scripts/dev.ts and Framework: the whole process group, which must not outlive
    // the measurement (a second preview of the project would share Framework's cache).
    if (dev.exitCode === null) {
      const exited = new Promise((resolve) => dev.once("exit", resolve));
      process.kill(-dev.pid!, "SIGTERM");
      const timer = setTimeout(() => process.kill(-dev.pid!, "SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
  }
}
