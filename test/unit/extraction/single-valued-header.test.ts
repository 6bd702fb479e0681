import { SessionError } from '../../../lib/index.js';
import { refuseRepeatedHeader } from '../../../lib/extraction/single-valued-header.js';

function refusal(run: () => void): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (error instanceof SessionError) return `${error.reason}: ${error.message}`;
    throw error;
  }
}

describe('refuseRepeatedHeader', () => {
  const twice = ['Host', 'x', 'Authorization', 'Bearer a', 'authorization', 'Bearer b'];

  it('refuses Authorization in two header lines, whatever their case, on Express (rawHeaders) and Fastify (raw.rawHeaders)', () => {
    for (const request of [{ rawHeaders: twice }, { raw: { rawHeaders: twice } }]) {
      expect(refusal(() => refuseRepeatedHeader(request, 'authorization'))).toBe(
        'token_malformed: The request carries 2 Authorization headers: the field is single-valued, the request is ambiguous',
      );
    }
  });

  it('lets one Authorization line through, and leaves other fields and other requests alone', () => {
    expect(refusal(() => refuseRepeatedHeader({ rawHeaders: ['authorization', 'Bearer a', 'accept', 'x', 'accept', 'y'] }, 'authorization'))).toBeUndefined();
    expect(refusal(() => refuseRepeatedHeader({ rawHeaders: ['accept', 'x', 'accept', 'y'] }, 'accept'))).toBeUndefined();
    expect(refusal(() => refuseRepeatedHeader({ headers: {} }, 'authorization'))).toBeUndefined();
    expect(refusal(() => refuseRepeatedHeader(undefined, 'authorization'))).toBeUndefined();
  });
});
