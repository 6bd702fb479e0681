/**
 * Ed25519 public keys of small order (RFC 8032 section 5.1.3 decodes them; the platform verifier
 * accepts them). For such a key `A`, `[k]A` is the identity for every `k` (the identity point) or
 * for one `k` in 2, 4 or 8 (points of order 2, 4, 8): the signature R = identity, S = 0 then
 * verifies, for any payload, or for one in eight an attacker can grind for. No honest key is one.
 */
const P = (1n << 255n) - 19n;

/** y of a point of order 8 (the other order-8 points have y = p - this, or the opposite x). */
const ORDER_8_Y = 2707385501144840649318225287225658788936804267575313519463743609750303402022n;

/**
 * The y coordinates of the eight small-order points (1: identity; p - 1: order 2; 0: order 4;
 * the order-8 pair), plus the non-canonical y >= p that decode to 0 and 1 (p and p + 1).
 */
const SMALL_ORDER_Y = [1n, P - 1n, 0n, ORDER_8_Y, P - ORDER_8_Y, P, P + 1n];

function littleEndian(value: bigint, signBit: boolean): string {
  const bytes = Buffer.alloc(32);
  let rest = value;
  for (let index = 0; index < 32; index++, rest >>= 8n) bytes[index] = Number(rest & 0xffn);
  if (signBit) bytes[31]! |= 0x80;
  return bytes.toString('hex');
}

/** Every encoding, with either sign bit (x = 0 with the sign bit set is a non-canonical one too). */
const ENCODINGS: ReadonlySet<string> = new Set(SMALL_ORDER_Y.flatMap((y) => [littleEndian(y, false), littleEndian(y, true)]));

/** `x`: the JWK member of an Ed25519 key (base64url of the 32-byte encoding). */
export function isSmallOrderEd25519(x: string): boolean {
  return ENCODINGS.has(Buffer.from(x, 'base64url').toString('hex'));
}
