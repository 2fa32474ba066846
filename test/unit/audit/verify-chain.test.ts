import { describe, expect, it } from 'vitest';
import {
  anchorMac,
  checkpointMac,
  GENESIS_HEAD,
  originMac,
  rowHash,
} from '../../../src/core/audit/audit-chain';
import type { AuditAnchor, StoredAuditRow } from '../../../src/core/audit/audit-types';
import { ChainVerifier, verifyChain } from '../../../src/core/audit/verify-chain';
import { OTHER_AUDIT_KEY as OTHER_KEY, TEST_AUDIT_KEY as KEY } from '../../helpers/audit';

const T0 = Date.UTC(2026, 0, 15);
/** Rows of an unkeyed profile: no key file. */
const NO_KEY_FILE = { keyFileExists: false };

interface Event {
  event?: string;
  user_id?: number | null;
  session_id?: string | null;
  details?: string;
}

/** `rows` followed by `count` new rows chained onto them, keyed when `key` is given. */
function append(
  rows: StoredAuditRow[],
  count: number,
  key: Buffer | null,
  event: Event = {},
): StoredAuditRow[] {
  const out = [...rows];
  for (let i = 0; i < count; i += 1) {
    const last = out[out.length - 1] ?? GENESIS_HEAD;
    const seq = last.seq + 1;
    const content = {
      seq,
      at: T0 + seq * 1000,
      event: event.event ?? 'sign-in',
      user_id: event.user_id === undefined ? seq % 3 : event.user_id,
      session_id: event.session_id ?? null,
      details: event.details ?? JSON.stringify({ n: seq }),
      keyed: key ? 1 : 0,
      prev_hash: last.hash,
    };
    out.push({ ...content, hash: rowHash(content, key) });
  }
  return out;
}

function hashAt(rows: StoredAuditRow[], seq: number): string {
  return seq === 0 ? GENESIS_HEAD.hash : rows.find((r) => r.seq === seq)!.hash;
}

/**
 * The anchor a writer would leave at row `seq` (0: the genesis head): keyed, with its checkpoint
 * there and its origin at `originSeq` (where the key was created); bare without a key.
 */
function anchorAt(
  rows: StoredAuditRow[],
  seq: number,
  key: Buffer | null,
  originSeq = 0,
): AuditAnchor {
  const hash = hashAt(rows, seq);
  if (!key) return { v: 1, seq, hash };
  const origin = hashAt(rows, originSeq);
  return {
    v: 1,
    seq,
    hash,
    mac: anchorMac(seq, hash, key),
    checkpoint: { seq, hash, mac: checkpointMac(seq, hash, key) },
    origin: { seq: originSeq, hash: origin, mac: originMac(originSeq, origin, key) },
  };
}

function headAnchor(rows: StoredAuditRow[], key: Buffer | null, originSeq = 0): AuditAnchor {
  return anchorAt(rows, rows.length === 0 ? 0 : rows[rows.length - 1]!.seq, key, originSeq);
}

/** A keyless writer's move of `anchor` to the head of `rows`: bare head, marks copied. */
function bareHead(rows: StoredAuditRow[], anchor: AuditAnchor): AuditAnchor {
  const { checkpoint, origin } = anchor;
  const seq = rows[rows.length - 1]!.seq;
  return {
    v: 1,
    seq,
    hash: hashAt(rows, seq),
    ...(checkpoint ? { checkpoint } : {}),
    ...(origin ? { origin } : {}),
  };
}

/** A copy of row `seq` changed by `change`, its stored hash kept (or recomputed with `rehash`). */
function edit(
  rows: StoredAuditRow[],
  seq: number,
  change: Partial<StoredAuditRow>,
  rehash?: { key: Buffer | null },
): StoredAuditRow[] {
  return rows.map((r) => {
    if (r.seq !== seq) return r;
    const edited = { ...r, ...change };
    return rehash ? { ...edited, hash: rowHash(edited, rehash.key) } : edited;
  });
}

const keyed20 = append([], 20, KEY);
const unkeyed20 = append([], 20, null);

const CLEAN = {
  ok: true,
  clean: true,
  unauthenticated: 0,
  beforeKey: 0,
  pending: 0,
  unverifiedRows: 0,
  unrecordedSessions: 0,
};

describe('verifyChain: a sound chain', () => {
  it('passes an intact keyed chain as clean', () => {
    expect(verifyChain(keyed20, headAnchor(keyed20, KEY), KEY)).toEqual({
      ...CLEAN,
      checked: 20,
      keyed: true,
    });
  });

  it('passes an empty chain with its genesis anchor, or an unkeyed one with none', () => {
    expect(verifyChain([], anchorAt([], 0, KEY), KEY)).toMatchObject({ ...CLEAN, checked: 0 });
    expect(verifyChain([], null, null, NO_KEY_FILE)).toMatchObject({ ...CLEAN, checked: 0 });
  });

  it('never calls an unkeyed chain clean (no key ever vouched for it), and still finds an edit in it', () => {
    const anchor = headAnchor(unkeyed20, null);
    expect(verifyChain(unkeyed20, anchor, null, NO_KEY_FILE)).toEqual({
      ok: true,
      clean: false,
      checked: 20,
      keyed: false,
      unauthenticated: 20,
      beforeKey: 20,
      pending: 0,
      unverifiedRows: 0,
      unrecordedSessions: 0,
    });
    expect(
      verifyChain(edit(unkeyed20, 6, { event: 'sign-out' }), anchor, null, NO_KEY_FILE),
    ).toMatchObject({ ok: false, clean: false, firstBadSeq: 6, reason: 'row 6 was altered' });
  });

  it('tolerates an anchor that lags behind the rows (a crash between the row and the anchor)', () => {
    expect(verifyChain(keyed20, anchorAt(keyed20, 15, KEY), KEY)).toMatchObject(CLEAN);
  });
});

describe('verifyChain: vouching and unauthenticated rows', () => {
  const cliTail = append(append([], 5, KEY), 2, null, { event: 'session-revoked' });

  it('counts unkeyed rows after the newest keyed row as pending, until a keyed row vouches for them', () => {
    const anchor = bareHead(cliTail, headAnchor(cliTail.slice(0, 5), KEY));
    expect(verifyChain(cliTail, anchor, KEY)).toMatchObject({
      ok: true,
      clean: false,
      unauthenticated: 2,
      pending: 2,
      beforeKey: 0,
    });
    const vouched = append(cliTail, 1, KEY);
    expect(verifyChain(vouched, headAnchor(vouched, KEY), KEY)).toMatchObject({
      ...CLEAN,
      checked: 8,
    });
  });

  it('a vouched unkeyed row can no longer be changed, whatever hash it is given', () => {
    const vouched = append(cliTail, 1, KEY);
    const anchor = headAnchor(vouched, KEY);
    const forged = edit(vouched, 7, { event: 'cleanup', details: '{}' }, { key: null });
    expect(verifyChain(forged, anchor, KEY)).toMatchObject({ ok: false, firstBadSeq: 7 });
  });

  it('a forged unkeyed row on the tail is never clean (pending 1), even with the anchor moved onto it', () => {
    const forged = append(keyed20, 1, null, { event: 'sign-in', details: '{"forged":true}' });
    const moved = bareHead(forged, headAnchor(keyed20, KEY));
    expect(verifyChain(forged, moved, KEY)).toMatchObject({
      ok: true,
      clean: false,
      pending: 1,
      unauthenticated: 1,
    });
    // Left lagging instead, it counts just the same.
    expect(verifyChain(forged, headAnchor(keyed20, KEY), KEY)).toMatchObject({ pending: 1 });
  });

  it('unkeyed tail rows cut back, with a bare anchor moved onto the one left: pending, never clean', () => {
    const tail = append(cliTail, 3, null);
    const cut = tail.slice(0, 6);
    const anchor = bareHead(cut, headAnchor(cliTail.slice(0, 5), KEY));
    expect(verifyChain(cut, anchor, KEY)).toMatchObject({ ok: true, clean: false, pending: 1 });
  });

  it('rows written before the key existed are never authenticated; rows after its origin are vouched for', () => {
    // Three rows of a profile without secure storage, then a key (origin at 3), a CLI row, the app.
    const history = append(append(append([], 3, null), 1, null), 4, KEY);
    const anchor = headAnchor(history, KEY, 3);
    expect(verifyChain(history, anchor, KEY)).toMatchObject({
      ok: true,
      clean: false,
      unauthenticated: 3,
      beforeKey: 3,
      pending: 0,
    });
  });

  it('without an origin (an anchor from before origins), takes the row before the first keyed one', () => {
    const history = append(append([], 3, null), 4, KEY);
    const { origin: _origin, ...old } = headAnchor(history, KEY, 3);
    expect(verifyChain(history, old, KEY)).toMatchObject({ ok: true, beforeKey: 3 });
    // No keyed row yet: the checkpoint, written when the key was created.
    const unkeyedSoFar = append([], 3, null);
    const { origin: _o, ...minted } = anchorAt(unkeyedSoFar, 2, KEY);
    const cli = bareHead(unkeyedSoFar, minted);
    expect(verifyChain(unkeyedSoFar, cli, KEY)).toMatchObject({
      ok: true,
      beforeKey: 2,
      pending: 1,
    });
  });

  it('finds the rows before the key rewritten after it was created, and a forged origin', () => {
    const history = append(append([], 3, null), 4, KEY);
    const anchor = headAnchor(history, KEY, 3);
    // Rewritten under keyed rows: the first keyed row's link breaks, at the rewritten row 3.
    const under = [...append([], 3, null, { details: '{"rewritten":1}' }), ...history.slice(3)];
    expect(verifyChain(under, anchor, KEY)).toMatchObject({ ok: false, firstBadSeq: 3 });
    // No keyed row yet: the origin (and the checkpoint written with it) no longer match.
    const minted = anchorAt(history, 3, KEY, 3);
    const alone = append([], 3, null, { details: '{"rewritten":1}' });
    expect(verifyChain(alone, bareHead(alone, minted), KEY)).toMatchObject({
      ok: false,
      firstBadSeq: 1,
    });
    const earlier = { ...anchor, origin: { ...anchor.origin!, seq: 0, hash: GENESIS_HEAD.hash } };
    expect(verifyChain(history, earlier, KEY)).toMatchObject({
      ok: false,
      firstBadSeq: 1,
      reason: "the chain anchor's origin was forged",
    });
  });

  it('without the key, counts what rests on keyed rows as unverified, still checking order and links', () => {
    const mixed = append(append(append([], 5, KEY), 2, null), 5, KEY);
    const anchor = headAnchor(mixed, KEY);
    expect(verifyChain(mixed, anchor, KEY)).toMatchObject(CLEAN);
    expect(verifyChain(mixed, anchor, null, { warning: 'key locked' })).toEqual({
      ok: true,
      clean: false,
      checked: 12,
      keyed: false,
      unauthenticated: 12,
      beforeKey: 0,
      pending: 0,
      unverifiedRows: 12,
      unrecordedSessions: 0,
      warning: 'key locked',
    });
    expect(
      verifyChain(
        mixed.filter((r) => r.seq !== 11),
        anchor,
        null,
      ),
    ).toMatchObject({ ok: false, firstBadSeq: 11 });
    const edited = edit(mixed, 6, { details: '{"by":"nobody"}' }, { key: null });
    expect(verifyChain(edited, anchor, KEY)).toMatchObject({ ok: false, firstBadSeq: 6 });
  });
});

describe('verifyChain: tampering', () => {
  it('finds an edited row, stopping there', () => {
    const result = verifyChain(
      edit(keyed20, 7, { details: '{"n":700}' }),
      headAnchor(keyed20, KEY),
      KEY,
    );
    expect(result).toMatchObject({
      ok: false,
      clean: false,
      checked: 7,
      firstBadSeq: 7,
      reason: 'row 7 was altered',
    });
  });

  it('finds an edited unkeyed row whose hash was recomputed, through the next link', () => {
    const rows = edit(unkeyed20, 9, { details: '{"note":"forged"}' }, { key: null });
    expect(verifyChain(rows, headAnchor(unkeyed20, null), null, NO_KEY_FILE)).toMatchObject({
      ok: false,
      firstBadSeq: 9,
      reason: 'row 9 was altered or replaced',
    });
  });

  it('finds a keyed row downgraded to an unkeyed one with a recomputed hash', () => {
    const rows = edit(keyed20, 9, { keyed: 0, details: '{"note":"forged"}' }, { key: null });
    expect(verifyChain(rows, headAnchor(keyed20, KEY), KEY)).toMatchObject({
      ok: false,
      firstBadSeq: 9,
    });
  });

  it('finds a deleted middle row and the deleted first row', () => {
    const anchor = headAnchor(keyed20, KEY);
    expect(
      verifyChain(
        keyed20.filter((r) => r.seq !== 5),
        anchor,
        KEY,
      ),
    ).toMatchObject({ ok: false, firstBadSeq: 5, reason: 'row 5 is missing' });
    expect(verifyChain(keyed20.slice(1), anchor, KEY)).toMatchObject({ ok: false, firstBadSeq: 1 });
  });

  it('finds two swapped rows, whether their seq was swapped or their contents', () => {
    const anchor = headAnchor(keyed20, KEY);
    const [four, eight] = [keyed20[3]!, keyed20[7]!];
    const seqSwapped = keyed20.map((r) =>
      r.seq === 4 ? { ...eight, seq: 4 } : r.seq === 8 ? { ...four, seq: 8 } : r,
    );
    expect(verifyChain(seqSwapped, anchor, KEY)).toMatchObject({ ok: false, firstBadSeq: 4 });
    const reordered = keyed20.map((r) => (r.seq === 4 ? eight : r.seq === 8 ? four : r));
    expect(verifyChain(reordered, anchor, KEY)).toMatchObject({
      ok: false,
      firstBadSeq: 4,
      reason: 'row 4 is missing',
    });
  });

  it('finds a truncated tail against the anchor, keyed or not', () => {
    expect(verifyChain(keyed20.slice(0, 17), headAnchor(keyed20, KEY), KEY)).toMatchObject({
      ok: false,
      checked: 17,
      firstBadSeq: 18,
      reason: expect.stringMatching(/vouched for by the key/),
    });
    expect(
      verifyChain(unkeyed20.slice(0, 17), headAnchor(unkeyed20, null), null, NO_KEY_FILE),
    ).toMatchObject({
      ok: false,
      firstBadSeq: 18,
      reason: 'rows after 17 were removed (the anchor says 20)',
    });
  });

  it('finds a missing anchor (with a first bad row), and an anchor whose head does not match its row', () => {
    expect(verifyChain(unkeyed20, null, null, NO_KEY_FILE)).toMatchObject({
      ok: false,
      firstBadSeq: 21,
      reason: expect.stringMatching(/anchor file is missing/),
    });
    const wrongHash = { ...headAnchor(unkeyed20, null), hash: 'e'.repeat(64) };
    expect(verifyChain(unkeyed20, wrongHash, null, NO_KEY_FILE)).toMatchObject({
      ok: false,
      firstBadSeq: 20,
    });
  });

  it('finds a wiped log: no rows and no anchor, while the key file exists', () => {
    for (const key of [KEY, null]) {
      expect(verifyChain([], null, key)).toMatchObject({
        ok: false,
        firstBadSeq: 1,
        reason: expect.stringMatching(/the log was wiped/),
      });
    }
  });

  it('finds a forged anchor MAC', () => {
    const forged = { ...headAnchor(keyed20, KEY), mac: 'f'.repeat(64) };
    expect(verifyChain(keyed20, forged, KEY)).toMatchObject({
      ok: false,
      firstBadSeq: 21,
      reason: 'the chain anchor was forged',
    });
    const otherKey = {
      ...headAnchor(keyed20, OTHER_KEY),
      checkpoint: headAnchor(keyed20, KEY).checkpoint,
      origin: headAnchor(keyed20, KEY).origin,
    };
    expect(verifyChain(keyed20, otherKey, KEY)).toMatchObject({ ok: false, firstBadSeq: 21 });
  });

  it('finds a forged or dropped checkpoint, from the last row the key vouches for, with or without the key', () => {
    const anchor = headAnchor(keyed20, KEY);
    const forged = { ...anchor, checkpoint: { ...anchor.checkpoint!, mac: 'f'.repeat(64) } };
    const { checkpoint: _dropped, ...bare } = anchor;
    for (const tampered of [forged, bare]) {
      expect(verifyChain(keyed20, tampered, KEY)).toMatchObject({
        ok: false,
        firstBadSeq: 21,
        reason: 'the chain anchor lost its keyed checkpoint, or it was forged',
      });
    }
    // The CLI cannot check a MAC, but a keyed profile's anchor without any checkpoint is wrong.
    expect(verifyChain(keyed20, bare, null)).toMatchObject({ ok: false, firstBadSeq: 21 });
  });

  it('finds a bare anchor on a keyed row (someone without the key moved it)', () => {
    const { mac: _mac, ...bare } = anchorAt(keyed20, 18, KEY);
    expect(verifyChain(keyed20.slice(0, 18), bare, KEY)).toMatchObject({
      ok: false,
      firstBadSeq: 19,
      reason: expect.stringMatching(/without its MAC/),
    });
  });

  it('finds a keyed tail rewritten as unkeyed rows under a bare anchor', () => {
    const rewritten = append(keyed20.slice(0, 12), 8, null, { details: '{"note":"forged"}' });
    const anchor = bareHead(rewritten, headAnchor(keyed20, KEY));
    expect(verifyChain(rewritten, anchor, KEY)).toMatchObject({
      ok: false,
      firstBadSeq: 13,
      reason: expect.stringMatching(/rows after 12 were rewritten/),
    });
    // The newest rewritten row dropped too, and the bare anchor moved back onto the rest.
    const shortened = rewritten.slice(0, 19);
    expect(verifyChain(shortened, bareHead(shortened, anchor), KEY)).toMatchObject({
      ok: false,
      firstBadSeq: 13,
      reason: expect.stringMatching(/vouched for by the key/),
    });
  });

  it('blames the row whose link broke after an authentic row, the one before it otherwise', () => {
    const mixed = append(append([], 5, KEY), 3, null);
    const anchor = bareHead(mixed, headAnchor(mixed.slice(0, 5), KEY));
    // Row 6 (unkeyed, after keyed row 5) given another prev_hash and a matching hash.
    const relinked = edit(mixed, 6, { prev_hash: 'f'.repeat(64) }, { key: null });
    expect(verifyChain(relinked, anchor, KEY)).toMatchObject({
      ok: false,
      firstBadSeq: 6,
      reason: 'row 6 was altered or replaced',
    });
    const firstRelinked = edit(unkeyed20, 1, { prev_hash: 'f'.repeat(64) }, { key: null });
    expect(
      verifyChain(firstRelinked, headAnchor(unkeyed20, null), null, NO_KEY_FILE),
    ).toMatchObject({ ok: false, firstBadSeq: 1 });
  });

  it('reports a missing key file at the first keyed row', () => {
    const mixed = append(append([], 2, null), 5, KEY);
    expect(
      verifyChain(mixed, headAnchor(mixed, KEY, 2), null, { keyFileExists: false }),
    ).toMatchObject({
      ok: false,
      checked: 7,
      firstBadSeq: 3,
      reason: expect.stringMatching(/key file is missing/),
    });
    expect(
      verifyChain(keyed20.slice(1), headAnchor(keyed20, KEY), null, { keyFileExists: false }),
    ).toMatchObject({ ok: false, firstBadSeq: 1 });
  });
});

describe('verifyChain: what the database holds must be in the chain', () => {
  // Account 1 created at T0 + 500 (before row 1); account 2 at T0 + 10_500 (before row 11).
  const accounts = [
    { id: 1, createdAt: T0 + 500 },
    { id: 2, createdAt: T0 + 10_500 },
  ];
  const withAccounts = append(
    append(append(append([], 1, KEY, { event: 'account-created', user_id: 1 }), 9, KEY), 1, KEY, {
      event: 'account-created',
      user_id: 2,
    }),
    4,
    KEY,
    { event: 'sign-in', user_id: 2, session_id: 's-2' },
  );

  it('passes when every account has its creation and every live session its sign-in', () => {
    const anchor = headAnchor(withAccounts, KEY);
    const expected = { accounts, sessions: [{ id: 's-2' }] };
    expect(verifyChain(withAccounts, anchor, KEY, { expected })).toMatchObject(CLEAN);
    const restored = append(keyed20, 1, KEY, { event: 'session-restored', session_id: 's-9' });
    const imported = append(restored, 1, KEY, { event: 'legacy-import', user_id: 9 });
    expect(
      verifyChain(imported, headAnchor(imported, KEY), KEY, {
        expected: { accounts: [{ id: 9, createdAt: T0 }], sessions: [{ id: 's-9' }] },
      }),
    ).toMatchObject(CLEAN);
  });

  it('fails for an account without its creation, at the row where its event belongs', () => {
    const cut = withAccounts.slice(0, 10);
    const expected = { accounts, sessions: [] };
    // The log cut back to row 10 with an older anchor: account 2's creation is gone.
    expect(verifyChain(cut, headAnchor(cut, KEY), KEY, { expected })).toMatchObject({
      ok: false,
      clean: false,
      firstBadSeq: 11,
      reason: expect.stringMatching(
        /account 2 first\) has no account-created \(or legacy-import\) event/,
      ),
    });
    // Wiped and restarted: the accounts predate every row.
    expect(verifyChain(keyed20, headAnchor(keyed20, KEY), KEY, { expected })).toMatchObject({
      ok: false,
      firstBadSeq: 1,
      reason: expect.stringMatching(/^2 accounts in the database \(account 1 first\)/),
    });
  });

  it('a wiped log that was started again: the accounts say row 1, not the missing anchor', () => {
    const expected = { accounts, sessions: [] };
    expect(verifyChain(keyed20, null, KEY, { expected })).toMatchObject({
      ok: false,
      firstBadSeq: 1,
    });
    expect(verifyChain(keyed20, null, KEY)).toMatchObject({ ok: false, firstBadSeq: 21 });
  });

  it('counts a live session without its sign-in as unrecorded: not proof, never clean', () => {
    const anchor = headAnchor(withAccounts, KEY);
    const expected = { accounts, sessions: [{ id: 's-2' }, { id: 's-ghost' }] };
    expect(verifyChain(withAccounts, anchor, KEY, { expected })).toMatchObject({
      ok: true,
      clean: false,
      unauthenticated: 0,
      unrecordedSessions: 1,
    });
  });
});

describe('ChainVerifier', () => {
  it('fed page by page gives what verifyChain gives for the whole chain', () => {
    const rows = edit(keyed20, 14, { at: 0 });
    const anchor = headAnchor(keyed20, KEY);
    const verifier = new ChainVerifier(anchor, KEY);
    const fed: boolean[] = [];
    for (let start = 0; start < rows.length; start += 6)
      for (const row of rows.slice(start, start + 6)) fed.push(verifier.push(row));
    expect(fed.indexOf(false)).toBe(13);
    expect(fed.slice(13).every((more) => !more)).toBe(true);
    expect(verifier.finish()).toEqual(verifyChain(rows, anchor, KEY));
    expect(verifier.finish()).toMatchObject({ checked: 14, firstBadSeq: 14 });
  });
});
