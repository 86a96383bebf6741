// Share links: the definition, input and task answers in the URL fragment, compressed
// (CompressionStream 'deflate-raw') and base64url-encoded. Opening a link loads the
// content; nothing runs until Run is pressed.

async function pipe(bytes, stream) {
  const out = new Response(new Blob([bytes]).stream().pipeThrough(stream));
  return new Uint8Array(await out.arrayBuffer());
}

function toBase64url(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64url(text) {
  const s = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return bytes;
}

const PREFIX = '#s=';

/** The fragment for `{ definition, input, answers }`. */
export async function encodeShare(content) {
  const json = new TextEncoder().encode(JSON.stringify({ v: 1, ...content }));
  return PREFIX + toBase64url(await pipe(json, new CompressionStream('deflate-raw')));
}

/** The content of a share fragment, or null when `hash` is not one; throws when it is damaged. */
export async function decodeShare(hash) {
  if (!hash.startsWith(PREFIX)) return null;
  const bytes = await pipe(fromBase64url(hash.slice(PREFIX.length)), new DecompressionStream('deflate-raw'));
  const content = JSON.parse(new TextDecoder().decode(bytes));
  if (!content || typeof content !== 'object' || typeof content.definition !== 'string') throw new Error('not a statelab share link');
  return content;
}
