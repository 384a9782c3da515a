import { describe, expect, it } from 'vitest';
import { QuantityError, byteQuantity, parseByteQuantity } from '../../src/api/quantity.js';

describe('parseByteQuantity', () => {
  it.each([
    ['2Gi', 2 * 1024 ** 3],
    ['512Mi', 512 * 1024 ** 2],
    ['1Ki', 1024],
    ['1.5Gi', 1.5 * 1024 ** 3],
    ['1.15G', 1_150_000_000],
    ['0.1Ki', 103],
    ['1500m', 2],
    ['1e-9', 1],
    ['1e-999999', 1],
    ['0.0', 0],
    ['1G', 1e9],
    ['2768M', 2_768_000_000],
    ['100k', 100_000],
    ['2147483648', 2147483648],
    ['+64Mi', 64 * 1024 ** 2],
    ['1e3', 1000],
    ['1P', 1e15],
    ['1T', 1e12],
    ['.5Ki', 512],
  ] as const)('%s is %d bytes', (text, bytes) => {
    expect(parseByteQuantity(text, 'spec.memory')).toBe(bytes);
  });

  it('accepts milli quantities that come to whole bytes', () => {
    expect(parseByteQuantity('2000m', 'spec.memory')).toBe(2);
  });

  it('rounds a fraction of a byte up, as Kubernetes does', () => {
    expect(parseByteQuantity('1.1Gi', 'spec.memory')).toBe(Math.ceil(1.1 * 2 ** 30));
    expect(parseByteQuantity('0.5', 'spec.memory')).toBe(1);
  });

  it.each(['2 Gi', '2GB', 'Gi', '', '-1Gi', '2gi', ' 2Gi', '0x10'])('rejects %j naming the field', (text) => {
    expect(() => parseByteQuantity(text, 'spec.memory')).toThrow(QuantityError);
    expect(() => parseByteQuantity(text, 'spec.memory')).toThrow(/^spec\.memory: .*not a Kubernetes quantity.*2Gi/);
  });

  it('rejects sizes too large to represent exactly', () => {
    expect(() => parseByteQuantity('16Ei', 'spec.memory')).toThrow(/spec\.memory: "16Ei" is too large/);
    expect(() => parseByteQuantity('1e999999', 'spec.memory')).toThrow(/too large/);
    expect(() => parseByteQuantity('9E', 'spec.memory')).toThrow(/too large/);
  });
});

describe('byteQuantity schema', () => {
  const schema = byteQuantity({ min: 1 });

  it('accepts quantities and keeps the text', () => {
    expect(schema.parse('2Gi')).toBe('2Gi');
  });

  it.each([
    ['2 GB', /Kubernetes quantity/],
    ['0', /at least 1 bytes/],
    ['0.0', /at least 1 bytes/],
    ['1'.repeat(65), /<=64/],
  ])('rejects %j', (text, message) => {
    const result = schema.safeParse(text);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message).join('; ')).toMatch(message);
  });
});
