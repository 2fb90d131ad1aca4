import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import type { Stats } from "node:fs";
import { open } from "node:fs/promises";
import { errnoCode } from "./describe-fs-error.js";

/** What reading a small file keysync owns (state, lock, plan) found. */
export type RegularFileRead =
  | { readonly kind: "bytes"; readonly bytes: Uint8Array }
  | { readonly kind: "absent" }
  /** Not a regular file, or over the limit: `reason` completes "FILE …" ("is a named pipe (FIFO), …"). */
  | { readonly kind: "refused"; readonly reason: string };

/*
 * O_NONBLOCK: opening a FIFO for reading otherwise waits for a writer, forever, in a thread no
 * signal can reach; with it the open returns at once and fstat refuses the FIFO. It changes
 * nothing for regular files. O_NOCTTY: a terminal device must never become keysync's terminal.
 * Both are 0 where the platform has no such flag.
 */
const FLAGS: Partial<typeof constants> = constants;
const OPEN_FLAGS = constants.O_RDONLY | (FLAGS.O_NONBLOCK ?? 0) | (FLAGS.O_NOCTTY ?? 0);

/**
 * Reads `path` only if it is a regular file of at most `maxBytes` bytes: `absent` when there is
 * no such file, `refused` for anything else that is there (a directory, FIFO, device, socket,
 * or too many bytes). The type checked is that of the file opened (fstat of the handle, not a
 * stat of the path before it), so nothing swapped in between is read; at most `maxBytes + 1`
 * bytes are read whatever size the file claims (files under /proc claim 0; a file may grow).
 * `what` names the kind of file in the size message ("state files"). Throws the file-system
 * error for anything but ENOENT (callers describe it).
 */
export async function readRegularFile(
  path: string,
  maxBytes: number,
  what: string,
): Promise<RegularFileRead> {
  let handle;
  try {
    handle = await open(path, OPEN_FLAGS);
  } catch (error: unknown) {
    return openFailure(error);
  }
  try {
    const info = await handle.stat();
    const refusal = refusalOf(info, maxBytes, what);
    if (refusal !== null) return refusal;
    const buffer = Buffer.alloc(Math.min(maxBytes, Math.max(info.size, 0)) + 1);
    let grow = buffer;
    let length = 0;
    for (;;) {
      if (length === grow.length) {
        if (length > maxBytes) return tooLarge(length, maxBytes, what, true);
        // The file grew (or claimed a smaller size): double, but never past the limit + 1.
        const next = Buffer.alloc(Math.min(maxBytes + 1, grow.length * 2));
        grow.copy(next, 0, 0, length);
        grow = next;
      }
      const { bytesRead } = await handle.read(grow, length, grow.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > maxBytes) return tooLarge(length, maxBytes, what, true);
    return { kind: "bytes", bytes: grow.subarray(0, length) };
  } finally {
    await handle.close();
  }
}

/**
 * `readRegularFile` for the last moment of a process (a second signal, before `process.exit`),
 * when nothing asynchronous will run again. Returns null for anything it will not read.
 */
export function readRegularFileSync(path: string, maxBytes: number): Uint8Array | null {
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch {
    return null;
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile() || info.size > maxBytes) return null;
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    for (;;) {
      const bytesRead = readSync(fd, buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > maxBytes) return null;
    }
    return buffer.subarray(0, length);
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

function openFailure(error: unknown): RegularFileRead {
  const code = errnoCode(error);
  if (code === "ENOENT") return { kind: "absent" };
  // Linux answers ENXIO for a socket (or a device with nothing behind it); some systems
  // refuse to open a directory for reading at all.
  if (code === "ENXIO") return { kind: "refused", reason: "is a socket or a device, not a regular file" };
  if (code === "EISDIR") return { kind: "refused", reason: "is a directory, not a regular file" };
  throw error;
}

function refusalOf(info: Stats, maxBytes: number, what: string): RegularFileRead | null {
  if (!info.isFile()) return { kind: "refused", reason: `is ${typeOf(info)}, not a regular file` };
  if (info.size > maxBytes) return tooLarge(info.size, maxBytes, what, false);
  return null;
}

function typeOf(info: Stats): string {
  if (info.isDirectory()) return "a directory";
  if (info.isFIFO()) return "a named pipe (FIFO)";
  if (info.isCharacterDevice() || info.isBlockDevice()) return "a device";
  if (info.isSocket()) return "a socket";
  return "something else";
}

function tooLarge(size: number, maxBytes: number, what: string, atLeast: boolean): RegularFileRead {
  return {
    kind: "refused",
    reason: `is ${atLeast ? "more than " : ""}${atLeast ? maxBytes : size} bytes; ${what} are limited to ${maxBytes} (${formatSize(maxBytes)})`,
  };
}

function formatSize(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
