// Debian's Chromium, headless, driven by playwright-core (see /work/shared/docs/offline-toolchain.md).
import { chromium } from 'playwright-core';
import { existsSync } from 'node:fs';

export const CHROMIUM_PATH = process.env.SEGNETR_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** A fresh headless Chromium profile in `profileDir`; returns playwright's persistent context. */
export async function launchChromium({ profileDir, viewport = { width: 1440, height: 900 } }) {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`${CHROMIUM_PATH} not found; install it with \`bash scripts/system-deps.sh\``);
  return chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM_PATH, headless: true, viewport, args: CHROMIUM_ARGS });
}

/** The workbench logs with %c styling; keep the words. */
export const cleanConsoleText = (text) => text.replace(/%c\s*/g, '').replace(/color: #[0-9a-f]{3,8}\s*/gi, '').trim();
