import { KeysyncError } from "../errors.js";

/**
 * The embedded server cannot start or keep its data: port in use, unusable `--data` file.
 * Messages name the file, host and port, never a key or the token.
 */
export class ServeError extends KeysyncError {
  override readonly name = "ServeError";
}
