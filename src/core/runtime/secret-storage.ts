import type { StorageStatus } from '../../contract/contract';
import { describeError } from '../errors/describe-error';
import { WEAK_SECRET_BACKENDS, type Logger, type SecretStore } from '../ports';

/**
 * Whether remembered sessions can be kept across restarts now: the keyring is available and is
 * not a weak one (a hard-coded key, such as Linux's `basic_text`), unless weak storage was allowed.
 * A store that fails to answer counts as unavailable.
 */
export async function probeSecretStorage(
  store: SecretStore,
  allowWeak: boolean,
  logger: Logger,
): Promise<StorageStatus> {
  let available = false;
  let backend = 'unknown';
  try {
    const status = await store.status();
    available = status.available === true;
    backend = typeof status.backend === 'string' && status.backend ? status.backend : 'unknown';
  } catch (error) {
    logger.warn('secret store status failed', { error: describeError(error) });
  }
  if (!available) return { persistent: false, backend, reason: 'unavailable' };
  if (WEAK_SECRET_BACKENDS.has(backend) && !allowWeak)
    return { persistent: false, backend, reason: 'weak-backend' };
  return { persistent: true, backend };
}
