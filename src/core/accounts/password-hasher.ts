import { hash, verify } from '@node-rs/argon2';
import type { Argon2Config } from '../config';

// @node-rs/argon2's Algorithm is a const enum, which isolated modules cannot import; 2 is Argon2id.
const ARGON2ID = 2;
const PHC = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/;

/**
 * argon2id through @node-rs/argon2 (N-API, so nothing is rebuilt for Electron). Hashing and
 * verifying run on libuv's thread pool, off the main thread, so a sign-in never stalls the event
 * loop.
 */
export class PasswordHasher {
  constructor(private readonly params: Argon2Config) {}

  /** A PHC string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`) with a fresh random salt. */
  hash(password: string): Promise<string> {
    return this.hashWith(this.params, password);
  }

  /** True when `password` matches; false for a mismatch or a hash it cannot read. */
  async verify(phc: string, password: string): Promise<boolean> {
    try {
      return await verify(phc, password);
    } catch {
      return false;
    }
  }

  /**
   * True when `phc` is weaker than the configured cost in any parameter (or is not argon2id). A
   * stronger hash is kept: lowering the configuration never downgrades stored hashes.
   */
  needsRehash(phc: string): boolean {
    const params = parse(phc);
    if (!params) return true;
    return (
      params.memoryCost < this.params.memoryCost ||
      params.timeCost < this.params.timeCost ||
      params.parallelism < this.params.parallelism
    );
  }

  /** What decides the cost of verifying `phc` (`argon2id:m=…,t=…,p=…`), or null if unreadable. */
  parameterSet(phc: string): string | null {
    const params = parse(phc);
    return params
      ? `argon2id:m=${params.memoryCost},t=${params.timeCost},p=${params.parallelism}`
      : null;
  }

  /** A hash of `password` with the same parameters as `phc` (the current ones if unreadable). */
  rehashLike(phc: string, password: string): Promise<string> {
    return this.hashWith(parse(phc) ?? this.params, password);
  }

  private hashWith(params: Argon2Config, password: string): Promise<string> {
    return hash(password, {
      algorithm: ARGON2ID,
      memoryCost: params.memoryCost,
      timeCost: params.timeCost,
      parallelism: params.parallelism,
    });
  }
}

function parse(phc: string): Argon2Config | null {
  const match = PHC.exec(phc);
  if (!match) return null;
  return {
    memoryCost: Number(match[1]),
    timeCost: Number(match[2]),
    parallelism: Number(match[3]),
  };
}
