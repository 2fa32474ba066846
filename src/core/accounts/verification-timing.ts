import crypto from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PasswordHasher } from './password-hasher';

/** How the time of one password verification is learnt: a moving average, weighted to recent. */
const WEIGHT_OF_NEW = 0.2;
/** Decoy verifications per parameter set when it is first met. */
const CALIBRATION_ROUNDS = 2;

/**
 * Makes every failed sign-in take as long as a verification against the slowest password hash in
 * use, so that timing tells neither a known name from an unknown one nor one account's hash
 * parameters from another's. Hashes made with older (cheaper) or other (dearer) parameters than
 * the current ones stay in the database until their owner signs in, and an unknown name can only
 * be checked against a decoy: without the floor, a known name with a cheap old hash answers faster
 * than a decoy, and one with a dear hash slower.
 *
 * The floor is the longest average verification time among the parameter sets in use. Each set
 * is timed by verifying decoys when it is first met, then learnt from real verifications.
 */
export class VerificationTiming {
  private readonly averageMs = new Map<string, number>();
  private readonly calibrating = new Map<string, Promise<void>>();

  constructor(private readonly hasher: PasswordHasher) {}

  /** Times every parameter set among `hashes` not timed yet (decoy verifications, off-thread). */
  async learn(hashes: Iterable<string>): Promise<void> {
    const pending: Promise<void>[] = [];
    for (const phc of hashes) {
      const set = this.hasher.parameterSet(phc);
      if (set !== null && !this.averageMs.has(set)) pending.push(this.calibrate(set, phc));
    }
    await Promise.all(pending);
  }

  /** Records how long a real verification against `phc` took. */
  observe(phc: string, elapsedMs: number): void {
    const set = this.hasher.parameterSet(phc);
    if (set === null) return;
    const previous = this.averageMs.get(set);
    this.averageMs.set(
      set,
      previous === undefined ? elapsedMs : previous + WEIGHT_OF_NEW * (elapsedMs - previous),
    );
  }

  /** The time every failed attempt takes at least, in ms. */
  floorMs(): number {
    let floor = 0;
    for (const ms of this.averageMs.values()) floor = Math.max(floor, ms);
    return floor;
  }

  /** Waits until `startedAt` (a `performance.now()` reading) is {@link floorMs} ago. */
  async padFrom(startedAt: number): Promise<void> {
    const remaining = this.floorMs() - (performance.now() - startedAt);
    if (remaining > 1) await sleep(remaining);
  }

  private calibrate(set: string, phc: string): Promise<void> {
    let running = this.calibrating.get(set);
    if (!running) {
      running = (async () => {
        // A decoy with the very parameters of `phc`: its cost is what a verification of it costs.
        const decoy = await this.hasher.rehashLike(
          phc,
          crypto.randomBytes(24).toString('base64url'),
        );
        for (let round = 0; round < CALIBRATION_ROUNDS; round += 1) {
          const started = performance.now();
          await this.hasher.verify(decoy, 'not the password');
          this.observe(decoy, performance.now() - started);
        }
      })().finally(() => this.calibrating.delete(set));
      this.calibrating.set(set, running);
    }
    return running;
  }
}
