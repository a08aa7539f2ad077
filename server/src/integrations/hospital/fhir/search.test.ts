import { describe, expect, it } from 'vitest';
import {
  InvalidFhirIdError,
  escapeSearchValue,
  reference,
  resourcePath,
  searchPath,
  tokenValue,
} from './search.js';

describe('search paths', () => {
  it('percent-encodes values, keeps repeated names for AND', () => {
    expect(
      searchPath('Slot', [
        ['schedule', reference('Schedule', 'sch-1')],
        ['start', 'ge2025-03-03T08:00:00+08:00'],
        ['start', 'lt2025-03-04T00:00:00+08:00'],
      ]),
    ).toBe(
      'Slot?schedule=Schedule%2Fsch-1&start=ge2025-03-03T08%3A00%3A00%2B08%3A00&start=lt2025-03-04T00%3A00%3A00%2B08%3A00',
    );
  });

  it('escapes FHIR separators so a value is never split into alternatives', () => {
    expect(escapeSearchValue('a,b$c|d\\e')).toBe('a\\,b\\$c\\|d\\\\e');
    expect(tokenValue('https://x.example/ns', 'ab|c,d')).toBe('https://x.example/ns|ab\\|c\\,d');
    const url = new URL(`http://h/${searchPath('Patient', [['identifier', tokenValue('s', 'v=&x')]])}`);
    expect(url.searchParams.get('identifier')).toBe('s|v=&x');
    expect([...url.searchParams.keys()]).toEqual(['identifier']);
  });

  it('refuses ids that are not FHIR ids (no path traversal, no OR lists)', () => {
    expect(resourcePath('Practitioner', 'p-1.a')).toBe('Practitioner/p-1.a');
    for (const bad of ['', '../metadata', 'a/b', 'a,b', 'a b', 'x'.repeat(65), '张三']) {
      expect(() => resourcePath('Practitioner', bad)).toThrow(InvalidFhirIdError);
    }
  });
});
