import { defaultAmiFamily, oldestCreatableVersion, parseKubernetesVersion, versionSupport } from '../lib/contracts/kubernetes-versions';

describe('kubernetes versions', () => {
  test('parses major.minor and rejects anything else', () => {
    expect(parseKubernetesVersion('1.36')).toEqual({ major: 1, minor: 36 });
    expect(parseKubernetesVersion('1.24.17')).toEqual({ major: 1, minor: 24 });
    expect(parseKubernetesVersion('latest')).toBeUndefined();
    expect(parseKubernetesVersion('${Token[TOKEN.1]}')).toBeUndefined();
  });

  test('EKS no longer creates 1.24 (extended support ended 2025-01-31) nor anything older', () => {
    expect(versionSupport('1.24', '2026-11-23')).toEqual({ creatable: false, endOfExtendedSupport: '2025-01-31' });
    expect(versionSupport('1.21', '2026-11-23')).toEqual({ creatable: false });
  });

  test('a version is creatable before its end-of-extended-support day, not on it (EKS: "On the end of extended support date, you can no longer create")', () => {
    expect(versionSupport('1.31', '2026-11-25').creatable).toBe(true);
    expect(versionSupport('1.31', '2026-11-26').creatable).toBe(false);
  });

  test('versions newer than the calendar are creatable up to the newest EKS offers (1.36, read 2026-12-07); 1.37 and later are not', () => {
    expect(versionSupport('1.36', '2026-11-23')).toEqual({ creatable: true });
    expect(versionSupport('1.37', '2026-11-23')).toEqual({ creatable: false, notOffered: true });
    expect(versionSupport('2.0', '2026-11-23')).toEqual({ creatable: false, notOffered: true });
  });

  test('the oldest creatable version moves with the date', () => {
    expect(oldestCreatableVersion('2026-11-25')).toBe('1.31');
    expect(oldestCreatableVersion('2026-11-26')).toBe('1.32');
  });

  test('AMI family: AL2 below 1.30, AL2023 from 1.30 (EKS publishes no AL2 AMIs from 1.33)', () => {
    expect(defaultAmiFamily('1.24')).toBe('AL2');
    expect(defaultAmiFamily('1.29')).toBe('AL2');
    expect(defaultAmiFamily('1.30')).toBe('AL2023');
    expect(defaultAmiFamily('1.36')).toBe('AL2023');
  });
});
