// Every test worker refuses non-loopback connections; see loopback-guard.mjs.
import "./loopback-guard.mjs";
