/**
 * The fixed key pair the emulator accepts when started without credentials.
 * It grants access to nothing but a local emulator, which is why it can live
 * in the source, and why the emulator's CLI prints it for copying.
 */
export const DEMO_ACCESS_KEY_ID = 'LTAI5tEmulatorDemoKey01';
export const DEMO_ACCESS_KEY_SECRET = 'emulator-demo-secret-not-for-cloud-use';
