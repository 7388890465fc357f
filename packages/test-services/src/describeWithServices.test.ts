import { findPostgresBinDir, missingServices } from './binaries';
import { describeWithServices, isCi } from './describeWithServices';

describe('missingServices', () => {
  it('names the binaries it cannot find', () => {
    expect(missingServices(['redis'], '/nonexistent')).toEqual([
      'redis-server (Redis) is not on PATH',
    ]);
    expect(findPostgresBinDir('/nonexistent', '/nonexistent')).toBeUndefined();
  });
});

describe('describeWithServices', () => {
  const env = { PATH: process.env.PATH, CI: process.env.CI };
  afterEach(() => {
    process.env.PATH = env.PATH;
    if (env.CI === undefined) delete process.env.CI;
    else process.env.CI = env.CI;
    jest.restoreAllMocks();
  });

  it('fails on CI when a binary is missing', () => {
    process.env.PATH = '/nonexistent';
    process.env.CI = 'true';
    expect(() => describeWithServices('redis')).toThrow(
      /describeWithServices\.test\.ts cannot run: redis-server \(Redis\) is not on PATH\. CI=true: failing instead of skipping\./,
    );
  });

  it('skips with one line on stderr elsewhere', () => {
    process.env.PATH = '/nonexistent';
    delete process.env.CI;
    const write = jest
      .spyOn(process.stderr, 'write')
      .mockImplementation(() => true);
    expect(describeWithServices('redis')).toBe(describe.skip);
    expect(write).toHaveBeenCalledTimes(1);
    expect(write.mock.calls[0][0]).toMatch(
      /^Skipping .*describeWithServices\.test\.ts: redis-server \(Redis\) is not on PATH \(with CI=true this fails\)\.\n$/,
    );
  });

  it('reads CI the way CI systems set it', () => {
    expect(isCi({ CI: 'true' })).toBe(true);
    expect(isCi({ CI: '1' })).toBe(true);
    expect(isCi({ CI: 'false' })).toBe(false);
    expect(isCi({})).toBe(false);
  });
});
