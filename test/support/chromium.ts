/**
 * How every test launches Chromium here: the Debian build (downloads are impossible), headless,
 * root-safe and quiet on the network. A missing browser fails the launch: never a skip.
 */
export const chromiumPath: string = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags for a headless Chromium running as root with no network but loopback. */
export const chromiumArgs: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Launch options for playwright-core's `chromium.launch`.
 *
 * @example
 * const browser = await chromium.launch(chromiumLaunchOptions);
 */
export const chromiumLaunchOptions = {
  executablePath: chromiumPath,
  args: ['--headless', ...chromiumArgs],
};
