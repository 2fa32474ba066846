import { describe, expect, it } from 'vitest';
import {
  defaultDeviceName,
  describeDevice,
  machineName,
  osName,
} from '../../../src/core/runtime/device-name';
import {
  isWellFormed,
  LONE_SURROGATE_RULE,
  passwordLength,
  passwordProblem,
} from '../../../src/contract/account-rules';

describe('device names (the label of sessions this machine creates)', () => {
  it('names the OS as people do', () => {
    expect(osName('darwin', 'Darwin')).toBe('macOS');
    expect(osName('win32', 'Windows_NT')).toBe('Windows');
    expect(osName('linux', 'Linux')).toBe('Linux');
    expect(osName('haiku', 'Haiku')).toBe('Haiku');
    expect(osName('haiku', '  ')).toBe('haiku');
  });

  it('uses the machine name without home-network suffixes or control characters', () => {
    expect(machineName('alex-laptop.local')).toBe('alex-laptop');
    expect(machineName('Alex-PC.localdomain')).toBe('Alex-PC');
    expect(machineName('build-07.corp.example.com')).toBe('build-07.corp.example.com');
    expect(machineName(' desk\u0007top \n')).toBe('desktop');
    expect(machineName('x'.repeat(200))).toHaveLength(63);
    expect(machineName('')).toBe('');
  });

  it('reads "OS · machine", stable: no port, no process id', () => {
    expect(describeDevice('Linux', 'alex-laptop')).toBe('Linux · alex-laptop');
    expect(describeDevice('Windows', '')).toBe('Windows computer');
    const name = defaultDeviceName();
    expect(name).toBe(defaultDeviceName());
    expect(name).not.toContain(String(process.pid));
    expect(name).toMatch(/^\S.* · \S|computer$/);
  });
});

describe('password rules shared by the core and the renderer', () => {
  it('counts characters as typed and refuses lone surrogates', () => {
    expect(passwordLength('🔑🔑🔑')).toBe(3);
    expect(passwordProblem('🔑'.repeat(11))).toBe('Use at least 12 characters.');
    expect(passwordProblem('🔑'.repeat(12))).toBeNull();
    expect(isWellFormed('🔑 fine')).toBe(true);
    expect(isWellFormed('broken \uD83D here')).toBe(false);
    expect(isWellFormed('\uDD11 low first')).toBe(false);
    expect(passwordProblem(`long enough but broken \uD83D`)).toBe(LONE_SURROGATE_RULE);
  });
});
