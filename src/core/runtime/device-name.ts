import os from 'node:os';

/** What people call each platform (`process.platform` is a code, not a name). */
const OS_NAMES: Readonly<Record<string, string>> = {
  darwin: 'macOS',
  win32: 'Windows',
  linux: 'Linux',
  freebsd: 'FreeBSD',
  openbsd: 'OpenBSD',
  netbsd: 'NetBSD',
  sunos: 'Solaris',
  aix: 'AIX',
};

/** Suffixes the OS adds to the machine's own name on a home network (mDNS, DHCP). */
const LOCAL_SUFFIX = /\.(local|localdomain|lan|home|internal)$/i;

/** The longest machine name kept: a DNS label's limit, and more than any list can show. */
const MAX_MACHINE_NAME = 63;

/** The operating system's pretty name, e.g. "macOS" for `darwin`; `os.type()` for others. */
export function osName(platform: string = process.platform, type: string = os.type()): string {
  return OS_NAMES[platform] ?? (type.trim() || platform);
}

/**
 * The machine's name as its owner knows it: the host name without a home-network suffix
 * ("alex-laptop.local" → "alex-laptop"), without control characters, at most 63 characters.
 * Empty when the OS has none.
 */
export function machineName(hostname: string = os.hostname()): string {
  // eslint-disable-next-line no-control-regex
  const clean = hostname.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return clean.replace(LOCAL_SUFFIX, '').slice(0, MAX_MACHINE_NAME);
}

/** "Linux · alex-laptop", or "Linux computer" when the machine has no name. */
export function describeDevice(os: string, machine: string): string {
  return machine ? `${os} · ${machine}` : `${os} computer`;
}

/**
 * How sessions created on this machine describe it, unless the host names the device itself.
 * Stable across restarts (no port, no process id), so a session listed elsewhere is
 * recognisable as "this laptop".
 */
export function defaultDeviceName(): string {
  return describeDevice(osName(), machineName());
}
