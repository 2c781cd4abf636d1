export { fingerprint } from '../src/kinds/ctx-meta/old-fingerprint.js';
