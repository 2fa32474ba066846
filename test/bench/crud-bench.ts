import { openDatabase } from '../../src/core/db/open-database';
import { SessionManager } from '../../src/core/sessions/session-manager';
import { infoFigure, type Figure } from './figures';
import type { MainFixture } from './main-fixture';
import { median, timeSync } from './measure';

function opsPerSecond(us: number): string {
  return `${Math.round(1e6 / us).toLocaleString('en-US')} ops/s`;
}

/** createSession, destroySession and getUserSessions (a user with 100 sessions): absolute figures. */
export function crudFigures(
  fixture: MainFixture,
  options: { rounds: number; iterations: number },
): Figure[] {
  const db = openDatabase(fixture.file);
  const sessions = new SessionManager({ db });
  const users = fixture.users;
  const created: string[][] = [];
  const createRounds: number[] = [];
  const destroyRounds: number[] = [];
  const listRounds: number[] = [];
  const countSessions = (): number =>
    db.prepare('SELECT count(*) FROM sessions').pluck().get() as number;
  const before = countSessions();
  const listed = sessions.getUserSessions(fixture.userWith100).length;
  if (listed !== 100) throw new Error(`crud bench: the user has ${listed} sessions, not 100`);
  // Warm-up.
  timeSync(() => sessions.getUserSessions(fixture.userWith100), 200);
  for (let r = 0; r < options.rounds; r += 1) {
    const ids: string[] = [];
    createRounds.push(
      timeSync((i) => {
        const { session } = sessions.createSession({
          userId: 3 + (i % (users - 2)),
          rememberMe: i % 2 === 0,
          device: 'bench-host (linux)',
        });
        ids.push(session.id);
        return session;
      }, options.iterations),
    );
    created.push(ids);
    listRounds.push(
      timeSync(() => sessions.getUserSessions(fixture.userWith100), options.iterations / 10),
    );
    destroyRounds.push(timeSync((i) => sessions.destroySession(ids[i]!), options.iterations));
  }
  const remaining = countSessions();
  db.close();
  if (remaining !== before)
    throw new Error(`crud bench: ${remaining} sessions left instead of ${before}`);
  const create = median(createRounds);
  const destroy = median(destroyRounds);
  const list = median(listRounds);
  return [
    infoFigure({
      name: 'createSession',
      value: create,
      unit: 'µs',
      rounds: createRounds,
      detail: opsPerSecond(create),
    }),
    infoFigure({
      name: 'destroySession (by id)',
      value: destroy,
      unit: 'µs',
      rounds: destroyRounds,
      detail: opsPerSecond(destroy),
    }),
    infoFigure({
      name: 'getUserSessions (100 sessions)',
      value: list,
      unit: 'µs',
      rounds: listRounds,
      detail: opsPerSecond(list),
    }),
  ];
}
