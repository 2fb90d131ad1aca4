import { describe, expect, it } from "vitest";
import { Interrupts } from "../../../src/cli/interrupt.js";

describe("Interrupts", () => {
  it("stops gracefully on the first signal and exits at once on the second, with the shell's codes", () => {
    const interrupts = new Interrupts();
    expect(interrupts.receive("SIGINT")).toMatchObject({ kind: "stop-gracefully", code: 130 });
    expect(interrupts.receive("SIGTERM")).toMatchObject({ kind: "exit-now", code: 143 });
    expect(interrupts.received).toBe(2);
  });

  it("says what the stop waits for, worked out when the signal arrives, until that is undone", () => {
    const interrupts = new Interrupts();
    let inFlight = 1;
    const undo = interrupts.describeStopWith(() => `waiting for ${inFlight}`);
    inFlight = 3;
    expect(interrupts.receive("SIGTERM").notice).toBe("waiting for 3");
    undo();
    expect(new Interrupts().receive("SIGTERM").notice).toMatch(/^Interrupt received: stopping/);
  });

  it("says nothing for a command whose ordinary end is a signal", () => {
    const interrupts = new Interrupts();
    interrupts.describeStopWith(() => null);
    expect(interrupts.receive("SIGTERM")).toEqual({ kind: "stop-gracefully", code: 143, notice: null });
  });

  it("exits at once on the first signal while it waits on the user, and not after", async () => {
    const interrupts = new Interrupts();
    const during = await interrupts.exitAtOnceDuring(() => Promise.resolve(interrupts.receive("SIGINT")));
    expect(during).toMatchObject({ kind: "exit-now", code: 130 });
    expect(during.notice).toContain("nothing was changed");
    const later = new Interrupts();
    await later.exitAtOnceDuring(() => Promise.resolve());
    expect(later.receive("SIGINT").kind).toBe("stop-gracefully");
  });
});
