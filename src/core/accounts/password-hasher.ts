import { hash, verify } from '@node-rs/argon2';
import type { Argon2Config } from '../config';
import { scryptLike, scryptParameterSet, verifyScrypt } from './scrypt-phc';

// @node-rs/argon2's Algorithm is a const enum, which isolated modules cannot import; 2 is Argon2id.
const ARGON2ID = 2;
const PHC = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/;

/** What a stored hash needs to be checked and timed: one per PHC algorithm id. */
interface PhcVerifier {
  verify(phc: string, password: string): Promise<boolean>;
  /** What decides the cost of verifying `phc`, or null if unreadable. */
  parameterSet(phc: string): string | null;
  /** A hash of `password` with the same parameters as `phc`, or null if unreadable. */
  hashLike(phc: string, password: string): Promise<string | null>;
}

/**
 * Password hashes as PHC strings. New ones are argon2id through @node-rs/argon2 (N-API, so nothing
 * is rebuilt for Electron); stored ones are verified by the algorithm their PHC id names:
 * argon2id, or scrypt for accounts imported from an earlier install. Hashing and verifying run on
 * libuv's thread pool, off the main thread, so a sign-in never stalls the event loop.
 */
export class PasswordHasher {
  private readonly verifiers: Readonly<Record<string, PhcVerifier>>;

  constructor(private readonly params: Argon2Config) {
    const argon2: PhcVerifier = {
      verify: (phc, password) => verify(phc, password),
      parameterSet: (phc) => {
        const p = parseArgon2(phc);
        return p ? `argon2id:m=${p.memoryCost},t=${p.timeCost},p=${p.parallelism}` : null;
      },
      hashLike: async (phc, password) => {
        const p = parseArgon2(phc);
        return p ? this.hashWith(p, password) : null;
      },
    };
    // argon2i and argon2d are verified as before, though this app never wrote them.
    this.verifiers = {
      argon2id: argon2,
      argon2i: argon2,
      argon2d: argon2,
      scrypt: { verify: verifyScrypt, parameterSet: scryptParameterSet, hashLike: scryptLike },
    };
  }

  /** A PHC string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`) with a fresh random salt. */
  hash(password: string): Promise<string> {
    return this.hashWith(this.params, password);
  }

  /** True when `password` matches; false for a mismatch or a hash it cannot read. */
  async verify(phc: string, password: string): Promise<boolean> {
    const verifier = this.verifierOf(phc);
    if (!verifier) return false;
    try {
      return await verifier.verify(phc, password);
    } catch {
      return false;
    }
  }

  /**
   * True when `phc` is weaker than the configured cost in any parameter, or is not argon2id (an
   * imported scrypt hash). A stronger hash is kept: lowering the configuration never downgrades
   * stored hashes.
   */
  needsRehash(phc: string): boolean {
    const params = parseArgon2(phc);
    if (!params) return true;
    return (
      params.memoryCost < this.params.memoryCost ||
      params.timeCost < this.params.timeCost ||
      params.parallelism < this.params.parallelism
    );
  }

  /**
   * What decides the cost of verifying `phc` (`argon2id:m=…,t=…,p=…` or `scrypt:ln=…,r=…,p=…,len=…`),
   * or null if unreadable.
   */
  parameterSet(phc: string): string | null {
    return this.verifierOf(phc)?.parameterSet(phc) ?? null;
  }

  /**
   * A hash of `password` made like `phc` (same algorithm and parameters), so that verifying it
   * costs what verifying `phc` costs; an argon2id hash with the current parameters if unreadable.
   */
  async rehashLike(phc: string, password: string): Promise<string> {
    return (await this.verifierOf(phc)?.hashLike(phc, password)) ?? this.hash(password);
  }

  private verifierOf(phc: string): PhcVerifier | undefined {
    const id = /^\$([a-z0-9-]+)\$/.exec(phc)?.[1];
    return id !== undefined && Object.hasOwn(this.verifiers, id) ? this.verifiers[id] : undefined;
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

function parseArgon2(phc: string): Argon2Config | null {
  const match = PHC.exec(phc);
  if (!match) return null;
  return {
    memoryCost: Number(match[1]),
    timeCost: Number(match[2]),
    parallelism: Number(match[3]),
  };
}
