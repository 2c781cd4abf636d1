export { fingerprint } from '../src/payload/fingerprint.js';
