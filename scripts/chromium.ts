// Headless Chromium for the PDF pack, the preview bench and the browser tests: Debian's, with
// every background connection to Google's services switched off.
import { chromium, type Browser } from "playwright-core";

/** Debian's Chromium, installed by .ci/run (`apt-get install chromium`). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Headless Chromium (`CHROMIUM_PATH`, else Debian's). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic"
    ]
  });
}
