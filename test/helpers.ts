export { messageFingerprint as fingerprint } from '../src/message/fingerprint.js';
