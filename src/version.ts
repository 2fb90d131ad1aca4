/**
 * keysync's version, written into plans and state files. Kept as a constant (not read from
 * package.json at run time) so `keysync --version` loads one tiny module; a test keeps the two equal.
 */
export const KEYSYNC_VERSION = "0.1.0";
