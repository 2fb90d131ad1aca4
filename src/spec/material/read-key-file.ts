import { open, stat } from "node:fs/promises";
import { FileError } from "../../errors.js";

/** Key files larger than this are refused: one key is a few KiB at most. */
export const MAX_KEY_FILE_BYTES = 64 * 1024;

/**
 * Reads a key file for a `file:` source: null when there is no such file; `FileError` with a
 * short reason ("is a directory", "permission denied") when it cannot be used. Reads at most
 * one byte past the limit, whatever size the file claims (files under /proc claim 0). The
 * file's content never appears in an error. This is the one place key files touch the file
 * system; everything after it takes bytes.
 */
export async function readKeyFile(absPath: string): Promise<Uint8Array | null> {
  let handle;
  try {
    // stat before open: opening a FIFO would wait for a writer.
    const info = await stat(absPath);
    if (!info.isFile()) throw new FileError(info.isDirectory() ? "is a directory" : "is not a regular file");
    handle = await open(absPath, "r");
    const buffer = Buffer.alloc(MAX_KEY_FILE_BYTES + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length === buffer.length) {
        const size = Math.max(info.size, length);
        throw new FileError(`is ${size} bytes; key files are limited to ${MAX_KEY_FILE_BYTES}`);
      }
    }
    return buffer.subarray(0, length);
  } catch (error: unknown) {
    if (error instanceof FileError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return null;
    if (code === "EISDIR") throw new FileError("is a directory");
    if (code === "EACCES" || code === "EPERM") throw new FileError("cannot be read: permission denied");
    throw new FileError(`cannot be read (${code ?? "unknown error"})`);
  } finally {
    await handle?.close();
  }
}
